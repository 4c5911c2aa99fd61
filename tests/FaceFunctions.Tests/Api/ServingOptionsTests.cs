using FaceFunctions.Functions.Serving;
using FaceFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Xunit;

namespace FaceFunctions.Tests.Api;

public sealed class ServingOptionsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new ServingOptionsValidation().Validate(null, new ServingOptions()).Succeeded);
    }

    [Fact]
    public async Task A_host_with_a_wrong_setting_does_not_start_and_names_every_problem()
    {
        using var folder = new TempFolder();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => LocalApi.StartOnFolderAsync(folder.Path,
            "--Serving:DefaultK", "500", "--Serving:PollSeconds", "0"));
        Assert.Contains("Serving:DefaultK must be from 1 to MaxK (100); it is 500.", error.Failures);
        Assert.Contains("Serving:PollSeconds must be positive; it is 0.", error.Failures);
    }
}
