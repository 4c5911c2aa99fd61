using Azure.Storage.Blobs;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Storage;
using FaceFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task A_blob_accounts_client_is_injected_once_and_the_stores_use_it()
    {
        const string connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";
        await using var host = FaceFunctions.LocalHost.LocalApiHost.Build(["--Storage:ConnectionString", connection]);
        var client = host.Services.GetRequiredService<BlobServiceClient>();
        Assert.Same(client, host.Services.GetRequiredService<BlobServiceClient>());
        var stores = host.Services.GetRequiredService<ArtifactStores>();
        Assert.Equal($"container models at {client.Uri.ToString().TrimEnd('/')}/models", stores.Models.Location);
    }

    [Fact]
    public async Task A_host_with_a_wrong_setting_does_not_start_and_names_every_problem()
    {
        using var folder = new TempFolder();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => LocalApi.StartOnFolderAsync(folder.Path,
            "--Serving:DefaultK", "500", "--Serving:PollInterval", "00:00:00"));
        Assert.Contains("Serving:DefaultK must be from 1 to MaxK (100); it is 500.", error.Failures);
        Assert.Contains("Serving:PollInterval must be positive; it is 00:00:00.", error.Failures);
    }
}
