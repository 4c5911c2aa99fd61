using FaceFunctions.GalleryChanges;
using Microsoft.Extensions.Options;

namespace FaceFunctions.Functions.Access;

/// <summary>Checks the Auth settings when the host starts: a wrong one stops it with every problem named, before any caller is let in.</summary>
public sealed class AccessOptionsValidation : IValidateOptions<AccessOptions>
{
    /// <summary>Shortest service key accepted: the Functions host's own keys are 56 characters.</summary>
    public const int MinKeyLength = 32;

    public ValidateOptionsResult Validate(string? name, AccessOptions options)
    {
        var problems = new List<string>();
        void Require(bool holds, string problem)
        {
            if (!holds) problems.Add($"{AccessOptions.SectionName}:{problem}");
        }
        Require(options.Issuers.Count > 0 || options.Keys.Count > 0 || options.AnonymousPermissions != Permissions.None,
            "no Issuers, no Keys and AnonymousPermissions None: every call would be refused. Name a token issuer or a service key " +
            "(or, on a laptop only, set AnonymousPermissions).");
        for (var i = 0; i < options.Issuers.Count; i++)
        {
            var issuer = options.Issuers[i];
            Require(issuer.Authority is { IsAbsoluteUri: true }, $"Issuers:{i}:Authority must be an absolute URI; it is '{issuer.Authority}'.");
            Require(issuer.Authority is not { IsAbsoluteUri: true } || issuer.Authority.Scheme == Uri.UriSchemeHttps || !issuer.RequireHttpsMetadata,
                $"Issuers:{i}:Authority must be https (RequireHttpsMetadata is true); it is '{issuer.Authority}'.");
            Require(issuer.Audiences.Count > 0 && issuer.Audiences.All(a => !string.IsNullOrWhiteSpace(a)), $"Issuers:{i}:Audiences must name the API's audience.");
            Require(issuer.MetadataRefresh >= TimeSpan.FromMinutes(5), $"Issuers:{i}:MetadataRefresh must be at least 5 minutes; it is {issuer.MetadataRefresh}.");
        }
        foreach (var (keyName, key) in options.Keys)
        {
            Require(key.Secret.Length >= MinKeyLength, $"Keys:{keyName}:Secret must be at least {MinKeyLength} characters.");
            Require(key.Permissions != Permissions.None, $"Keys:{keyName}:Permissions must be Read, Write or both.");
            Require(key.Tenant is null || GalleryChangeChecks.WhyNotTenant(key.Tenant) is null, $"Keys:{keyName}:Tenant: {GalleryChangeChecks.WhyNotTenant(key.Tenant ?? "")}.");
        }
        Require(!string.IsNullOrWhiteSpace(options.ReadScope) && !string.IsNullOrWhiteSpace(options.WriteScope), "ReadScope and WriteScope must be set.");
        Require(!string.IsNullOrWhiteSpace(options.TenantClaim), "TenantClaim must name a claim.");
        Require(options.RequestsPerWindow >= 1, $"RequestsPerWindow must be at least 1; it is {options.RequestsPerWindow}.");
        Require(options.Window > TimeSpan.Zero, $"Window must be positive; it is {options.Window}.");
        Require(options.ConcurrentUploads >= 1, $"ConcurrentUploads must be at least 1; it is {options.ConcurrentUploads}.");
        Require(options.ClockSkew >= TimeSpan.Zero && options.ClockSkew <= TimeSpan.FromMinutes(10), $"ClockSkew must be from 0 to 10 minutes; it is {options.ClockSkew}.");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
