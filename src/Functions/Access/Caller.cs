namespace FaceFunctions.Functions.Access;

/// <summary>How a caller proved who it is.</summary>
public enum CredentialKind
{
    /// <summary>No credentials: admitted only where Auth:AnonymousPermissions allows (local development).</summary>
    None,
    /// <summary>A service key (x-functions-key or ?code=): services and back offices.</summary>
    Key,
    /// <summary>An OAuth 2.0 bearer token from a configured issuer: apps whose users sign in.</summary>
    Token,
}

/// <summary>
/// Who is calling: an id to count its requests by (issuer and subject, or the key's name), what it may do, and the
/// tenant whose images it sees and owns (null: the shared gallery alone).
/// </summary>
public sealed record Caller(CredentialKind Kind, string Id, Permissions Permissions, string? Tenant)
{
    public static Caller Anonymous(Permissions permissions) => new(CredentialKind.None, "anonymous", permissions, null);
}
