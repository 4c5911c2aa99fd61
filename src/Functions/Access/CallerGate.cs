using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using FaceFunctions.Functions.Api;
using FaceFunctions.GalleryChanges;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FaceFunctions.Functions.Access;

/// <summary>What a request costs the instance: a query, or an upload (an image in the body), whose count at once is limited too.</summary>
public enum Traffic
{
    Query,
    Upload,
}

/// <summary>
/// The one gate every API function passes first, under both hosts alike: who calls (a bearer token, else a service
/// key, else nobody), whether it may do what the route needs (401 without credentials or with ones that prove
/// nothing, 403 with the wrong ones), and whether it is within its limits (429 with Retry-After). A token wins over a
/// key sent with it.
/// </summary>
public sealed class CallerGate(IOptions<AccessOptions> options, TokenValidator tokens, CallerLimits limits, ILogger<CallerGate> logger)
{
    public const string KeyHeader = "x-functions-key";
    public const string KeyQuery = "code";
    private const string Realm = "Bearer realm=\"FaceFunctions\"";

    /// <summary>Each service key's name, settings and the SHA-256 of its secret, made once.</summary>
    private readonly IReadOnlyList<(string Name, ServiceKeyOptions Key, byte[] Digest)> _keys = options.Value.Keys
        .Select(key => (key.Key, key.Value, SHA256.HashData(Encoding.UTF8.GetBytes(key.Value.Secret)))).ToList();

    public async Task<Admission> AdmitAsync(HttpRequest request, Permissions needed, Traffic traffic, CancellationToken cancellationToken)
    {
        Identified identified;
        try
        {
            identified = await IdentifyAsync(request, cancellationToken);
        }
        catch (IssuerUnavailableException e)
        {
            logger.LogWarning(e, "No token can be checked: {Error}", e.Message);
            return new Admission(null, Problems.IssuerUnavailable(), null);
        }
        if (identified.Caller is not { } caller)
            return new Admission(null, identified.Refusal, null);
        if ((caller.Permissions & needed) != needed)
            return new Admission(null, Refuse(caller, needed), null);
        if (limits.Request(caller) is { } wait)
            return new Admission(null, Problems.TooManyRequests(
                $"At most {options.Value.RequestsPerWindow} requests per {options.Value.Window.TotalSeconds:0.#} s per caller on one instance.", wait), null);
        RateLimitLease? upload = null;
        if (traffic == Traffic.Upload && (upload = limits.Upload(caller)) is null)
            return new Admission(null, Problems.TooManyRequests(
                $"At most {options.Value.ConcurrentUploads} uploads at once per caller on one instance.", CallerLimits.UploadRetryAfter), null);
        return new Admission(caller, null, upload);
    }

    private IActionResult Refuse(Caller caller, Permissions needed)
    {
        var scope = needed.HasFlag(Permissions.Write) ? options.Value.WriteScope : options.Value.ReadScope;
        return caller.Kind switch
        {
            CredentialKind.None => Problems.Unauthorized(
                $"Send a bearer token (Authorization: Bearer) with the scope '{scope}', or a service key in the {KeyHeader} header.", Realm),
            CredentialKind.Token => Problems.Forbidden($"The token lacks the scope or app role '{scope}'.",
                $"{Realm}, error=\"insufficient_scope\", scope=\"{scope}\""),
            _ => Problems.Forbidden($"This key may not {(needed.HasFlag(Permissions.Write) ? "change the gallery" : "read")}."),
        };
    }

    private async Task<Identified> IdentifyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
            return await FromTokenAsync(authorization, cancellationToken);
        var key = request.Headers.TryGetValue(KeyHeader, out var header) ? header.ToString() : request.Query[KeyQuery].ToString();
        if (key.Length > 0)
            return FromKey(key);
        return new Identified(Caller.Anonymous(options.Value.AnonymousPermissions), null);
    }

    private async Task<Identified> FromTokenAsync(string authorization, CancellationToken cancellationToken)
    {
        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || options.Value.Issuers.Count == 0)
            return Invalid(options.Value.Issuers.Count == 0
                ? "This service accepts no bearer tokens: send a service key in the x-functions-key header."
                : "The Authorization header takes a bearer token: 'Bearer <token>'.");
        var check = await tokens.ValidateAsync(authorization[scheme.Length..].Trim(), cancellationToken);
        if (check.Identity is not { } identity)
            return Invalid(check.Why!);
        var subject = identity.FindFirst("oid")?.Value ?? identity.FindFirst("sub")?.Value;
        var tenant = identity.FindFirst(options.Value.TenantClaim)?.Value;
        if (subject is null || tenant is null || GalleryChangeChecks.WhyNotTenant(tenant) is not null)
            return Invalid($"The token must name its subject (oid or sub) and its tenant ({options.Value.TenantClaim}).");
        var issuer = identity.FindFirst("iss")?.Value;
        return new Identified(new Caller(CredentialKind.Token, $"{issuer}|{subject}", Granted(identity), tenant), null);
    }

    /// <summary>What the token's delegated scopes (scp, space-separated) and app roles (roles) grant.</summary>
    private Permissions Granted(ClaimsIdentity identity)
    {
        var granted = identity.FindAll("scp").SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Concat(identity.FindAll("roles").Select(c => c.Value)).ToHashSet(StringComparer.Ordinal);
        return (granted.Contains(options.Value.ReadScope) ? Permissions.Read : Permissions.None)
               | (granted.Contains(options.Value.WriteScope) ? Permissions.Write : Permissions.None);
    }

    private Identified FromKey(string presented)
    {
        // Digests are compared, every key's and in constant time, so that timing tells nothing of a near match or of a key's length.
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        (string Name, ServiceKeyOptions Key)? matched = null;
        foreach (var (name, key, known) in _keys)
            if (CryptographicOperations.FixedTimeEquals(digest, known))
                matched = (name, key);
        return matched is var (keyName, found)
            ? new Identified(new Caller(CredentialKind.Key, $"key|{keyName}", found.Permissions, found.Tenant), null)
            : new Identified(null, Problems.Unauthorized("The key is not valid.", Realm));
    }

    private static Identified Invalid(string why) =>
        new(null, Problems.Unauthorized(why, $"{Realm}, error=\"invalid_token\", error_description=\"{why.Replace("\"", "'", StringComparison.Ordinal)}\""));

    private sealed record Identified(Caller? Caller, IActionResult? Refusal);
}

/// <summary>
/// The gate's answer: the caller admitted, or the problem to answer instead. Disposing it frees the caller's upload
/// slot, so a function holds it with `using` for as long as it works on the upload.
/// </summary>
public sealed record Admission(Caller? Caller, IActionResult? Refusal, RateLimitLease? Upload) : IDisposable
{
    public void Dispose() => Upload?.Dispose();
}
