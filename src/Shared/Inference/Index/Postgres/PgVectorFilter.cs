using Npgsql;
using NpgsqlTypes;

namespace FaceFunctions.Index.Postgres;

/// <summary>A <see cref="GalleryFilter"/> as a SQL condition on a gallery table's labels, its values sent as parameters.</summary>
internal static class PgVectorFilter
{
    /// <summary>The condition ("true" for no filter), its parameters added to <paramref name="command"/>.</summary>
    public static string Where(NpgsqlCommand command, GalleryFilter? filter)
    {
        var conditions = new List<string> { "true" };
        foreach (var (facet, values) in filter?.Allowed ?? Enumerable.Empty<KeyValuePair<string, IReadOnlyCollection<string>>>())
        {
            var n = conditions.Count;
            command.Parameters.Add(new NpgsqlParameter<string>($"facet{n}", NpgsqlDbType.Text) { TypedValue = facet });
            command.Parameters.Add(new NpgsqlParameter<string[]>($"values{n}", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values.ToArray() });
            conditions.Add($"labels ->> @facet{n} = ANY(@values{n})");
        }
        return string.Join(" AND ", conditions);
    }
}
