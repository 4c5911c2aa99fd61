using FaceFunctions.Functions.Serving;
using FaceFunctions.Imaging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FaceFunctions.Functions.Api;

/// <summary>
/// What compose, search and gallery additions read from a request body, in one place: a multipart form's "image" (and
/// compose's "query", an addition's "labels" and "reference"),
/// compose's JSON, or search's raw image; bounded by Serving:MaxRequestBytes, with the problem for each way it fails.
/// </summary>
public sealed record Upload(byte[]? Query, byte[]? Image, IActionResult? Failure, byte[]? Labels = null, byte[]? Reference = null)
{
    /// <summary>The form field that holds the image.</summary>
    public const string ImageField = "image";
    /// <summary>The form field of compose that holds its query.</summary>
    public const string QueryField = "query";
    /// <summary>The form field of a gallery addition that holds its labels (a JSON object, facet to value).</summary>
    public const string LabelsField = "labels";
    /// <summary>The form field of a gallery addition that holds the caller's own reference.</summary>
    public const string ReferenceField = "reference";

    /// <summary>What an operation takes.</summary>
    public enum Kind
    {
        /// <summary>Compose: its query as JSON, or a form with an image and, optionally, the query.</summary>
        QueryWithOptionalImage,
        /// <summary>Search: an image as the body, or a form with the image.</summary>
        Image,
    }

    public static async Task<Upload> ReadAsync(HttpRequest request, ServingOptions limits, Kind kind, CancellationToken cancellationToken)
    {
        var type = request.ContentType ?? "";
        try
        {
            if (request.HasFormContentType)
            {
                var form = await RequestBody.ReadFormAsync(request, limits.MaxRequestBytes, cancellationToken);
                return form.TryGetValue(ImageField, out var image)
                    ? new Upload(form.GetValueOrDefault(QueryField), image, null, form.GetValueOrDefault(LabelsField), form.GetValueOrDefault(ReferenceField))
                    : Refused(Problems.BadRequest($"The multipart form has no file field '{ImageField}'."));
            }
            if (kind == Kind.QueryWithOptionalImage && (request.ContentType is null || type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)))
                return new Upload(await RequestBody.ReadAsync(request, limits.MaxRequestBytes, cancellationToken), null, null);
            if (kind == Kind.Image && (type.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
                                       || type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)))
                return new Upload(null, await RequestBody.ReadAsync(request, limits.MaxRequestBytes, cancellationToken), null);
            return Refused(Problems.UnsupportedMediaType(kind == Kind.Image
                ? $"Send the image ({ImageDecoder.AcceptedFormats}) as the body, with Content-Type image/* or application/octet-stream, " +
                  $"or as the multipart/form-data field '{ImageField}'; got '{type}'."
                : $"Send the query as application/json, or as multipart/form-data with the fields '{QueryField}' and '{ImageField}'; got '{type}'."));
        }
        catch (RequestBody.TooLargeException e)
        {
            return Refused(Problems.TooLarge(kind == Kind.Image
                ? $"An image may be at most {e.Limit} bytes."
                : $"A compose request may hold at most {e.Limit} bytes."));
        }
        catch (RequestBody.MalformedException e)
        {
            return Refused(Problems.BadRequest(e.Message));
        }
    }

    private static Upload Refused(IActionResult problem) => new(null, null, problem);
}
