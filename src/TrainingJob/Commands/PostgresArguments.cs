using System.CommandLine;
using FaceFunctions.Index.Postgres;
using FaceFunctions.Options;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>
/// Where to publish galleries for the pgvector backend. Like the storage options they fall back to the environment
/// (Postgres__ConnectionString, ...), the names the function app reads too; without a connection string the job
/// publishes to Blob Storage only.
/// </summary>
internal sealed class PostgresArguments
{
    private readonly Option<string?> _connectionString = new("--postgres-connection-string")
    {
        Description = "Publish the gallery to PostgreSQL with pgvector too (Host=...;Database=...;Username=...). A password shows in the " +
                      "process list: set Postgres__ConnectionString instead (the default of this option), or use the managed identity.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Postgres__ConnectionString"),
    };
    private readonly Option<PostgresAuthentication> _authentication = ChoiceOptions.Create("--postgres-authentication",
        "How the job signs in: managedidentity makes a Microsoft Entra token the password (Azure Database for PostgreSQL); " +
        "Postgres__Authentication sets the default.", PostgresAuthentication.ConnectionString);
    private readonly Option<string?> _readerRole = new("--postgres-reader-role")
    {
        Description = "The role serving signs in as; each publication grants it read access to what it publishes.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Postgres__ReaderRole"),
    };
    private readonly Option<Guid?> _readerObjectId = new("--postgres-reader-object-id")
    {
        Description = "The Entra object id of the reader role's principal: on Azure the role is created for it (display names need not be unique).",
        DefaultValueFactory = _ => Guid.TryParse(Environment.GetEnvironmentVariable("Postgres__ReaderObjectId"), out var id) ? id : null,
    };
    private readonly Option<string> _schema = new("--postgres-schema")
    {
        Description = "The schema of the galleries and their catalogue.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Postgres__Schema") is { Length: > 0 } schema ? schema : new PostgresOptions().Schema,
    };
    private readonly Option<int> _keepVersions = new("--postgres-keep-versions")
    {
        Description = "Galleries kept in the database, the current one included (rollbacks can go back that far).",
        DefaultValueFactory = _ => int.TryParse(Environment.GetEnvironmentVariable("Postgres__KeepVersions"), out var keep) ? keep : new PostgresOptions().KeepVersions,
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _connectionString, _authentication, _schema, _readerRole, _readerObjectId, _keepVersions })
            command.Options.Add(option);
    }

    /// <summary>The database the options name, checked; null when they name none.</summary>
    /// <exception cref="ArgumentException">The options cannot work.</exception>
    public PostgresOptions? From(ParseResult result)
    {
        if (result.GetValue(_connectionString) is not { Length: > 0 } connectionString) return null;
        var options = new PostgresOptions
        {
            ConnectionString = connectionString,
            Authentication = Authentication(result),
            ManagedIdentityClientId = Environment.GetEnvironmentVariable("AZURE_CLIENT_ID"),
            ReaderRole = result.GetValue(_readerRole),
            ReaderObjectId = result.GetValue(_readerObjectId),
            KeepVersions = result.GetValue(_keepVersions),
            Schema = result.GetValue(_schema)!,
        };
        options.Validate();
        return options;
    }

    /// <summary>The option when given, else Postgres__Authentication: read here, so that a wrong name ends the job with its message.</summary>
    private PostgresAuthentication Authentication(ParseResult result) =>
        result.GetResult(_authentication) is { Implicit: false } || Environment.GetEnvironmentVariable("Postgres__Authentication") is not { Length: > 0 } name
            ? result.GetValue(_authentication)
            : Choices.Parse<PostgresAuthentication>(name, "Postgres authentication (Postgres__Authentication)");
}
