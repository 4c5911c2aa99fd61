using FaceFunctions.Functions;
using FaceFunctions.Functions.Access;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace FaceFunctions.Tests.Access;

public sealed class AccessOptionsTests
{
    private static AccessOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddFaceFunctions(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<AccessOptions>>().Value;
    }

    [Fact]
    public void The_templates_empty_issuer_and_key_are_left_out_and_a_set_key_binds_with_its_permissions()
    {
        var options = Bind(new()
        {
            ["Storage:Folder"] = "/nowhere", ["Auth:Issuers:0:Authority"] = "", ["Auth:Issuers:0:Audiences:0"] = "",
            ["Auth:Keys:backoffice:Secret"] = "", ["Auth:Keys:app:Secret"] = new string('k', 40), ["Auth:Keys:app:Permissions"] = "Read, Write",
        });
        Assert.Empty(options.Issuers);
        Assert.Equal(["app"], options.Keys.Keys);
        Assert.Equal(Permissions.Read | Permissions.Write, options.Keys["app"].Permissions);
    }

    [Fact]
    public void Settings_that_would_admit_nobody_or_are_wrong_stop_the_start_with_every_problem_named()
    {
        var nobody = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Storage:Folder"] = "/nowhere" }));
        Assert.Contains("every call would be refused", nobody.Message);
        var wrong = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["Storage:Folder"] = "/nowhere", ["Auth:Issuers:0:Authority"] = "http://login.example/tenant/v2.0",
            ["Auth:Keys:short:Secret"] = "too-short", ["Auth:RequestsPerWindow"] = "0",
        }));
        Assert.Contains("Issuers:0:Authority must be https", wrong.Message);
        Assert.Contains("Issuers:0:Audiences must name", wrong.Message);
        Assert.Contains("Keys:short:Secret must be at least 32", wrong.Message);
        Assert.Contains("RequestsPerWindow must be at least 1", wrong.Message);
    }
}
