using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// Reads a request body into memory, refusing it past a limit without reading further; multipart forms are parsed
/// from that bounded copy, so a form costs no more than its limit and a malformed one is a <see cref="MalformedException"/>.
/// </summary>
public static class RequestBody
{
    /// <summary>Parts a form may have: compose and search need two at most.</summary>
    public const int MaxParts = 16;

    public sealed class TooLargeException(long limit) : Exception($"The body is larger than {limit} bytes.")
    {
        public long Limit { get; } = limit;
    }

    /// <summary>The body cannot be read as what its content type says (a broken or cut multipart form).</summary>
    public sealed class MalformedException(string message, Exception? inner = null) : Exception(message, inner);

    /// <summary>One part of a multipart/form-data body.</summary>
    public sealed record Part(string Name, byte[] Content);

    public static async Task<byte[]> ReadAsync(Stream body, long? declaredLength, long limit, CancellationToken cancellationToken)
    {
        if (declaredLength > limit)
            throw new TooLargeException(limit);
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                    throw new TooLargeException(limit);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (IOException e)
        {
            // The client stopped sending midway (Kestrel's BadHttpRequestException is an IOException).
            throw new MalformedException($"The body ended before it was complete: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    public static Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken) =>
        ReadAsync(request.Body, request.ContentLength, limit, cancellationToken);

    /// <summary>The parts of a multipart/form-data body of at most <paramref name="limit"/> bytes, by name.</summary>
    public static async Task<IReadOnlyDictionary<string, byte[]>> ReadFormAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || HeaderUtilities.RemoveQuotes(type.Boundary) is not { Length: > 0 and <= 70 } boundary)
            throw new MalformedException("A multipart/form-data body needs a boundary of 1 to 70 characters in its Content-Type.");
        var body = await ReadAsync(request, limit, cancellationToken);
        var parts = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            var reader = new MultipartReader(boundary.Value!, new MemoryStream(body, writable: false));
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (parts.Count == MaxParts)
                    throw new MalformedException($"A form may have at most {MaxParts} parts.");
                var name = section.GetContentDispositionHeader()?.Name.Value?.Trim('"');
                if (string.IsNullOrEmpty(name))
                    throw new MalformedException("Every part of the form needs a Content-Disposition with a name.");
                using var content = new MemoryStream();
                await section.Body.CopyToAsync(content, cancellationToken);
                parts.TryAdd(name, content.ToArray());
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            throw new MalformedException($"The multipart form cannot be read: {e.Message}", e);
        }
        return parts;
    }
}
