using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FaceFunctions.Tests.Infrastructure;

/// <summary>
/// An OpenID Connect issuer of the tests' own, on 127.0.0.1 and a free port over plain HTTP: its discovery document
/// and its signing key (JWKS), as Entra ID serves them, and tokens minted with that key. <see cref="Forge"/> signs
/// with a key the issuer never published. Stopped on dispose.
/// </summary>
public sealed class TokenIssuer : IAsyncDisposable
{
    public const string Audience = "api://facefunctions-tests";
    private WebApplication _server = null!;
    private readonly RsaSecurityKey _key = NewKey("issuer-key");
    private readonly RsaSecurityKey _forger = NewKey("issuer-key"); // the same key id, another key

    /// <summary>The issuer's address and its "iss": the discovery document is below it.</summary>
    public string Authority { get; private set; } = "";
    /// <summary>How many times the discovery document was fetched: the service caches it.</summary>
    public int DiscoveryFetches { get; private set; }

    public static async Task<TokenIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = builder.Build();
        var issuer = new TokenIssuer { _server = server };
        server.MapGet("/tenant-issuer/v2.0/.well-known/openid-configuration", () =>
        {
            issuer.DiscoveryFetches++;
            return Results.Text(new JsonObject
            {
                ["issuer"] = issuer.Authority,
                ["jwks_uri"] = issuer.Authority + "/keys",
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            }.ToJsonString(), "application/json");
        });
        server.MapGet("/tenant-issuer/v2.0/keys", () => Results.Text(issuer.Jwks(), "application/json"));
        await server.StartAsync(); // routes first: the app's endpoints are fixed when it starts
        var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        issuer.Authority = address + "/tenant-issuer/v2.0";
        return issuer;
    }

    /// <summary>
    /// A token for <paramref name="tenant"/>'s user with these scopes (the "scp" claim); <paramref name="lifetime"/>
    /// negative for one that expired that long ago.
    /// </summary>
    public string Mint(string tenant, string scopes, string subject = "user-1", TimeSpan? lifetime = null, string audience = Audience) =>
        Sign(_key, tenant, scopes, subject, lifetime ?? TimeSpan.FromMinutes(10), audience);

    /// <summary>A token that claims this issuer but is signed with another key under the published key's id.</summary>
    public string Forge(string tenant, string scopes) => Sign(_forger, tenant, scopes, "user-1", TimeSpan.FromMinutes(10), Audience);

    private string Sign(RsaSecurityKey key, string tenant, string scopes, string subject, TimeSpan lifetime, string audience)
    {
        var now = DateTime.UtcNow;
        var (notBefore, expires) = lifetime > TimeSpan.Zero ? (now.AddMinutes(-1), now + lifetime) : (now + lifetime - TimeSpan.FromMinutes(10), now + lifetime);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority, Audience = audience, IssuedAt = notBefore, NotBefore = notBefore, Expires = expires,
            Claims = new Dictionary<string, object> { ["tid"] = tenant, ["oid"] = $"{tenant}-{subject}", ["sub"] = subject, ["scp"] = scopes },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    private string Jwks()
    {
        var parameters = _key.Rsa.ExportParameters(includePrivateParameters: false);
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(parameters) { KeyId = _key.KeyId });
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = jwk.Kty, ["use"] = "sig", ["kid"] = jwk.Kid, ["alg"] = "RS256", ["n"] = jwk.N, ["e"] = jwk.E,
            }),
        }.ToJsonString();
    }

    private static RsaSecurityKey NewKey(string id) => new(RSA.Create(2048)) { KeyId = id };

    /// <summary>The "Auth" settings of a service that accepts this issuer's tokens, as "Section:Key" pairs.</summary>
    public IReadOnlyDictionary<string, string> Settings() => new Dictionary<string, string>
    {
        ["Auth:Issuers:0:Authority"] = Authority,
        ["Auth:Issuers:0:Audiences:0"] = Audience,
        ["Auth:Issuers:0:RequireHttpsMetadata"] = "false",
    };

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}
