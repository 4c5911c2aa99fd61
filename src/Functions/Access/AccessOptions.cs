namespace FaceFunctions.Functions.Access;

/// <summary>What a caller may do with the gallery: read (labels, compose, search, images, listing) or change it.</summary>
[Flags]
public enum Permissions
{
    None = 0,
    Read = 1,
    Write = 2,
}

/// <summary>
/// Who may call (section "Auth"): bearer tokens from the OpenID Connect issuers named here, service keys, and what a
/// caller without credentials may do (nothing, unless a developer opens the API on a laptop). Checked in the worker
/// under both hosts alike (docs/access.md says why not by the Functions host or App Service Authentication).
/// </summary>
public sealed class AccessOptions
{
    public const string SectionName = "Auth";

    /// <summary>Issuers whose tokens are accepted (Microsoft Entra ID, External ID, any OpenID Connect issuer).</summary>
    public List<TokenIssuerOptions> Issuers { get; set; } = [];
    /// <summary>Service keys by name, for services and back offices: sent in x-functions-key (or ?code=).</summary>
    public Dictionary<string, ServiceKeyOptions> Keys { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The scope (delegated, "scp") or app role ("roles") that grants reading.</summary>
    public string ReadScope { get; set; } = "Gallery.Read";
    /// <summary>The scope or app role that grants adding and erasing images.</summary>
    public string WriteScope { get; set; } = "Gallery.Write";
    /// <summary>
    /// The token claim that names the caller's tenant, whose images it sees and owns: "tid" (the Entra tenant: one
    /// gallery per customer organisation) or "oid"/"sub" (one per user, for consumer apps).
    /// </summary>
    public string TenantClaim { get; set; } = "tid";
    /// <summary>What a caller without credentials may do: None in any deployment; Read, Write for local development.</summary>
    public Permissions AnonymousPermissions { get; set; }
    /// <summary>Requests per caller per <see cref="Window"/> on one instance; more get 429 with Retry-After.</summary>
    public int RequestsPerWindow { get; set; } = 100;
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Uploads (searches by image, additions) one caller may have in progress on one instance.</summary>
    public int ConcurrentUploads { get; set; } = 4;
    /// <summary>Leeway for clocks that differ between the issuer and this service.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Leaves out an issuer without an authority and a key without a secret: a deployment template writes every
    /// setting, empty where a deployment has none (infra/bicep/modules/functionapp.bicep).
    /// </summary>
    public void LeaveOutUnset()
    {
        Issuers.RemoveAll(issuer => issuer.Authority is null);
        foreach (var name in Keys.Where(key => string.IsNullOrEmpty(key.Value.Secret)).Select(key => key.Key).ToList())
            Keys.Remove(name);
    }
}

/// <summary>An OpenID Connect issuer: its authority (the discovery document is at .well-known/openid-configuration) and the audiences it mints for.</summary>
public sealed class TokenIssuerOptions
{
    /// <summary>For Entra ID: https://login.microsoftonline.com/{tenant}/v2.0; for External ID: https://{tenant}.ciamlogin.com/{tenant}/v2.0.</summary>
    public Uri? Authority { get; set; }
    /// <summary>The API's application ID URI and/or client id: a token's "aud" must be one of them.</summary>
    public List<string> Audiences { get; set; } = [];
    /// <summary>False only for a test issuer on this machine: metadata and keys over plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
    /// <summary>How long discovered signing keys are used before they are fetched again (sooner for an unknown key id).</summary>
    public TimeSpan MetadataRefresh { get; set; } = TimeSpan.FromHours(12);

    public Uri MetadataAddress => new(Authority!.AbsoluteUri.TrimEnd('/') + "/.well-known/openid-configuration");
}

/// <summary>A service key: its secret (in Azure a Key Vault reference), what it may do, and the tenant it acts for (none: the shared gallery).</summary>
public sealed class ServiceKeyOptions
{
    public string Secret { get; set; } = "";
    public Permissions Permissions { get; set; } = Permissions.Read;
    public string? Tenant { get; set; }
}
