using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace FaceFunctions.Functions.Api;

/// <summary>Reads a request body into memory, refusing it past a limit without reading further.</summary>
public static class RequestBody
{
    public sealed class TooLargeException(long limit) : Exception($"The body is larger than {limit} bytes.")
    {
        public long Limit { get; } = limit;
    }

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
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    public static Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken) =>
        ReadAsync(request.Body, request.ContentLength, limit, cancellationToken);

    /// <summary>Reads a multipart form whose declared length is within the limit (ASP.NET Core buffers its files).</summary>
    public static async Task<IFormCollection> ReadFormAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
            throw new TooLargeException(limit);
        return await request.ReadFormAsync(cancellationToken);
    }

    /// <summary>The bytes of the form's file <paramref name="field"/>; null when the form has none.</summary>
    public static async Task<byte[]?> ReadFileAsync(IFormCollection form, string field, long limit, CancellationToken cancellationToken)
    {
        var file = form.Files.GetFile(field);
        if (file is null) return null;
        await using var stream = file.OpenReadStream();
        return await ReadAsync(stream, file.Length, limit, cancellationToken);
    }
}
