using Azure.Identity;
using FaceFunctions.Functions;
using Xunit;

namespace FaceFunctions.Tests.Api;

/// <summary>How the worker reads APPLICATIONINSIGHTS_AUTHENTICATION_STRING (Microsoft's format, as Bicep sets it).</summary>
public sealed class WorkerTelemetryTests
{
    [Theory]
    [InlineData("ClientId=00000000-0000-0000-0000-000000000001;Authorization=AAD")]
    [InlineData("Authorization=AAD")]
    [InlineData(" authorization = aad ; clientid = x ")]
    public void Entra_authorization_sends_with_the_managed_identity(string setting) =>
        Assert.IsType<ManagedIdentityCredential>(WorkerTelemetry.EntraCredential(setting));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ClientId=00000000-0000-0000-0000-000000000001")]
    [InlineData("Authorization=Key")]
    public void Anything_else_sends_without_a_token(string? setting) =>
        Assert.Null(WorkerTelemetry.EntraCredential(setting));
}
