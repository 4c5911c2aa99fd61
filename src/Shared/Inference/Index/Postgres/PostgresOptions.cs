namespace FaceFunctions.Index.Postgres;

/// <summary>
/// The PostgreSQL database that holds galleries for the pgvector backend; bound from the configuration section
/// "Postgres" (environment: Postgres__ConnectionString, ...). The training job writes there, the function app reads.
/// </summary>
public sealed class PostgresOptions
{
    public const string SectionName = "Postgres";

    /// <summary>
    /// An Npgsql connection string: Host, Port, Database, Username, and a Password locally. With
    /// <see cref="PostgresAuthentication.ManagedIdentity"/> it has no password: a Microsoft Entra token stands in.
    /// </summary>
    public string? ConnectionString { get; set; }
    public PostgresAuthentication Authentication { get; set; } = PostgresAuthentication.ConnectionString;
    /// <summary>Client id of a user-assigned managed identity; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The schema of the gallery tables and their catalogue; created by the first publication.</summary>
    public string Schema { get; set; } = "facefunctions";
    /// <summary>
    /// The role that serving signs in as (the function app's managed identity in Azure): each publication grants it
    /// read access to the catalogue and the new table, and deletion of the table's rows (erasure), nothing more. Empty: no grants (one role does both locally).
    /// </summary>
    public string? ReaderRole { get; set; }
    /// <summary>
    /// The Microsoft Entra object id of <see cref="ReaderRole"/>'s principal (the function app's identity): on Azure the
    /// role is created for this object, not looked up by display name, which need not be unique in a tenant.
    /// </summary>
    public Guid? ReaderObjectId { get; set; }
    /// <summary>Versions kept in the database, the current one included; older ones are dropped after a publication.</summary>
    public int KeepVersions { get; set; } = 3;

    /// <summary>HNSW edges per node (pgvector's m), set when a version is published.</summary>
    public int HnswConnectivity { get; set; } = 16;
    /// <summary>
    /// Candidates kept while the HNSW graph is built (ef_construction). 128, as the in-process index builds, not
    /// pgvector's own 64, at which a large graph's recall stopped short (docs/performance.md, pgvector).
    /// </summary>
    public int HnswExpansionAdd { get; set; } = 128;
    /// <summary>Candidates kept while searching (hnsw.ef_search): higher finds more of the true neighbours, slower.</summary>
    public int HnswExpansionSearch { get; set; } = 100;
    /// <summary>How serving searches: the HNSW index (approximate) or every row (exact, the in-process scan's results).</summary>
    public PgVectorSearch Search { get; set; } = PgVectorSearch.Hnsw;

    /// <exception cref="ArgumentException">The options cannot work; the message says which and why.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
            throw new ArgumentException("Postgres:ConnectionString is required for the pgvector backend (Host=...;Database=...;Username=...).");
        if (!PgVectorCatalogue.IsPlainName(Schema))
            throw new ArgumentException($"Postgres:Schema '{Schema}' must be a plain lower-case name (a-z, 0-9, _; 1-40 characters).");
        if (ReaderRole is { Length: > 0 } && (ReaderRole.Length > 63 || !ReaderRole.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
            throw new ArgumentException($"Postgres:ReaderRole '{ReaderRole}' must be a role name of letters, digits, '_' and '-' (63 at most).");
        if (ReaderObjectId is not null && ReaderRole is not { Length: > 0 })
            throw new ArgumentException("Postgres:ReaderObjectId names the principal of Postgres:ReaderRole: give the role too.");
        if (KeepVersions < 1)
            throw new ArgumentException("Postgres:KeepVersions must keep at least the current version (1 or more).");
        if (HnswConnectivity is < 2 or > 100 || HnswExpansionAdd < 2 * HnswConnectivity || HnswExpansionAdd > 1000)
            throw new ArgumentException("Postgres:HnswConnectivity must be 2-100 and HnswExpansionAdd 2 x that to 1000 (pgvector's limits).");
        if (HnswExpansionSearch is < 1 or > 1000)
            throw new ArgumentException("Postgres:HnswExpansionSearch must be 1-1000 (pgvector's hnsw.ef_search).");
    }
}

/// <summary>How the database is signed in to.</summary>
public enum PostgresAuthentication
{
    /// <summary>As the connection string says (a password, or trust on a local server).</summary>
    ConnectionString,
    /// <summary>Microsoft Entra: the managed identity's token as the password, fetched again before it expires.</summary>
    ManagedIdentity,
}

/// <summary>How a pgvector search finds its neighbours.</summary>
public enum PgVectorSearch
{
    /// <summary>pgvector's HNSW index: approximate, fast on large galleries.</summary>
    Hnsw,
    /// <summary>A scan of every row, ordered by score and row: the same top k as the in-process exact index.</summary>
    Exact,
}
