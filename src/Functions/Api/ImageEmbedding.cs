using System.Diagnostics;
using FaceFunctions.Embedding;
using FaceFunctions.Faces;
using FaceFunctions.Functions.Contract;
using FaceFunctions.Functions.Serving;
using FaceFunctions.Imaging;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// An uploaded image to its embedding, with the decoder's limits and a problem for each way it can fail. At most
/// <see cref="ServingOptions.MaxConcurrentDecodes"/> images are decoded at once, so that the memory of the largest
/// images allowed is bounded by that many, whatever the number of requests (docs/bad-input.md measures it).
/// </summary>
public sealed class ImageEmbedding(IOptions<ServingOptions> options, ILogger<ImageEmbedding> logger) : IDisposable
{
    /// <summary>The query parameter that embeds the whole image when the face step finds no face.</summary>
    public const string WholeImageParameter = "wholeImage";

    private readonly ImageDecoder _decoder = new(options.Value.MaxImagePixels);
    private readonly SemaphoreSlim _decodes = new(options.Value.DecodeSlots);

    /// <summary>Whether the request asks for the whole image when no face is found (?wholeImage=true).</summary>
    public static bool WholeImageAsked(Microsoft.AspNetCore.Http.HttpRequest request) =>
        bool.TryParse(request.Query[WholeImageParameter], out var whole) && whole;

    /// <summary>
    /// The unit-length embedding and what the model's face step found (null without one), or a failure that says why
    /// (400, 413, 415, or 422 when no face is found and <paramref name="wholeImage"/> does not ask for the whole image).
    /// </summary>
    /// <param name="keepPng">Also answer the decoded image as PNG (upright, metadata dropped): what the gallery stores.</param>
    public async Task<EmbeddedImage> EmbedAsync(ServingModel model, byte[] image, bool wholeImage, CancellationToken cancellationToken, bool keepPng = false)
    {
        await _decodes.WaitAsync(cancellationToken);
        try
        {
            var clock = Stopwatch.StartNew();
            using var decoded = _decoder.Decode(image);
            var decodeMs = clock.Elapsed.TotalMilliseconds;
            var (vector, face) = model.Embedder.EmbedQuery(decoded, wholeImage);
            logger.LogInformation("Embedded a {Width}x{Height} image with model {ModelVersion}: decode {DecodeMs:F1} ms, faces and embed {EmbedMs:F1} ms, {Faces} faces.",
                decoded.Width, decoded.Height, model.Bundle.Version, decodeMs, clock.Elapsed.TotalMilliseconds - decodeMs, face?.Found);
            return new EmbeddedImage(vector, face is null ? null : new FaceResult(face.Found, face.Box is { } b ? new FaceBox(b.X, b.Y, b.Width, b.Height) : null), null)
            {
                Png = keepPng ? Png(decoded) : null,
            };
        }
        catch (NoFaceException)
        {
            return new EmbeddedImage(null, null, Problems.Unprocessable(
                $"No face was found in the image. Send a photo with a face, or ask for the whole image with ?{WholeImageParameter}=true."));
        }
        catch (ImageDecodeException e)
        {
            return new EmbeddedImage(null, null, e.Failure switch
            {
                ImageDecodeFailure.UnsupportedFormat => Problems.UnsupportedMediaType(e.Message),
                ImageDecodeFailure.TooLarge => Problems.TooLarge(e.Message),
                _ => Problems.BadRequest(e.Message),
            });
        }
        finally
        {
            _decodes.Release();
        }
    }

    private static byte[] Png(SixLabors.ImageSharp.Image image)
    {
        using var png = new MemoryStream();
        image.SaveAsPng(png);
        return png.ToArray();
    }

    public void Dispose() => _decodes.Dispose();
}

/// <summary>An uploaded image's embedding and what the face step found, or the problem that stopped it.</summary>
public sealed record EmbeddedImage(float[]? Vector, FaceResult? Face, IActionResult? Failure)
{
    /// <summary>The decoded image as PNG, when asked for.</summary>
    public byte[]? Png { get; init; }
}
