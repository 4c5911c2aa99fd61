using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace FaceFunctions.Functions.Access;

/// <summary>What a bearer token proved: its claims, or why it proves nothing.</summary>
public sealed record TokenCheck(ClaimsIdentity? Identity, string? Why);

/// <summary>
/// Validates bearer tokens with Microsoft's libraries: the issuer's discovery document and signing keys fetched over
/// HTTP and cached (fetched again after <see cref="TokenIssuerOptions.MetadataRefresh"/>, or at once for a key id not
/// yet seen: the issuer rolled its keys), then issuer, audience, lifetime and signature. Claims keep their names as
/// sent (scp, roles, tid, oid, sub).
/// </summary>
public sealed class TokenValidator
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly List<(TokenIssuerOptions Options, ConfigurationManager<OpenIdConnectConfiguration> Metadata)> _issuers;
    private readonly TimeSpan _clockSkew;

    /// <summary>Metadata requests are bounded in time, so that an issuer that hangs costs a 503, not a request held open.</summary>
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    public TokenValidator(IOptions<AccessOptions> options)
    {
        var client = new HttpClient { Timeout = MetadataTimeout };
        _clockSkew = options.Value.ClockSkew;
        _issuers = options.Value.Issuers.Select(issuer => (issuer, new ConfigurationManager<OpenIdConnectConfiguration>(
            issuer.MetadataAddress.AbsoluteUri, new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(client) { RequireHttps = issuer.RequireHttpsMetadata })
        {
            AutomaticRefreshInterval = issuer.MetadataRefresh,
        })).ToList();
    }

    /// <exception cref="IssuerUnavailableException">The issuer's discovery document or keys cannot be fetched now.</exception>
    public async Task<TokenCheck> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (Read(token) is not { } jwt)
            return new TokenCheck(null, "The bearer token is not a JSON Web Token.");
        foreach (var (options, metadata) in _issuers)
        {
            var configuration = await ConfigurationAsync(metadata, cancellationToken);
            if (!string.Equals(configuration.Issuer, jwt.Issuer, StringComparison.Ordinal))
                continue;
            var result = await _handler.ValidateTokenAsync(jwt, Parameters(options, configuration));
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                metadata.RequestRefresh(); // a key id not yet seen: the issuer may have rolled its keys
                result = await _handler.ValidateTokenAsync(jwt, Parameters(options, await ConfigurationAsync(metadata, cancellationToken)));
            }
            return result.IsValid ? new TokenCheck(result.ClaimsIdentity, null) : new TokenCheck(null, Why(result.Exception));
        }
        return new TokenCheck(null, "The token's issuer is not one this service accepts.");
    }

    /// <summary>The token read once, unverified (its "iss" says which issuer's keys check it); null when it is no readable JWT.</summary>
    private JsonWebToken? Read(string token)
    {
        if (!_handler.CanReadToken(token))
            return null;
        try
        {
            return new JsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException)
        {
            return null; // three dot-separated parts that are not base64url JSON
        }
    }

        private TokenValidationParameters Parameters(TokenIssuerOptions options, OpenIdConnectConfiguration configuration) => new()
    {
        ValidIssuer = configuration.Issuer,
        ValidAudiences = options.Audiences,
        IssuerSigningKeys = configuration.SigningKeys,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = _clockSkew,
    };

    private static async Task<OpenIdConnectConfiguration> ConfigurationAsync(ConfigurationManager<OpenIdConnectConfiguration> metadata,
        CancellationToken cancellationToken)
    {
        try
        {
            return await metadata.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new IssuerUnavailableException(metadata.MetadataAddress, e);
        }
    }

    /// <summary>What a client can act on, without the library's internals (key ids, the expected values).</summary>
    private static string Why(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "The token has expired; sign in again.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenInvalidAudienceException => "The token was not issued for this API (its audience differs).",
        SecurityTokenInvalidIssuerException => "The token's issuer is not one this service accepts.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature does not verify.",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        _ => "The token is not valid.",
    };
}

/// <summary>An issuer's discovery document or signing keys cannot be fetched now (503: retry shortly).</summary>
public sealed class IssuerUnavailableException(string metadataAddress, Exception inner)
    : Exception($"The token issuer's metadata at {metadataAddress} cannot be fetched.", inner);
