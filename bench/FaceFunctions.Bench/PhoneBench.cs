using System.Diagnostics;
using System.Text.Json;
using FaceFunctions.Artifacts;
using FaceFunctions.Embedding;
using FaceFunctions.Imaging;
using FaceFunctions.Index;
using FaceFunctions.Storage;
using FaceFunctions.TrainingJob.Reporting;
using FaceFunctions.Vectors;
using Microsoft.Extensions.Logging.Abstractions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

using FaceFunctions.Tests.Infrastructure;

namespace FaceFunctions.Bench;

/// <summary>
/// Search by photo as phones take them. Every studio crop of a model's gallery is also made into a phone-like photo
/// (deterministic per seed): the face scaled to 15-60% of a 1024x768 frame's height, anywhere in it, turned up to 20
/// degrees, on a gradient, a texture or clutter, a colour cast (each channel 0.85-1.15, since issue 31), JPEG quality
/// 60-90, a quarter stored turned with EXIF orientation 3,
/// 6 or 8. Both are searched against the gallery with the model's own preprocessing (the face step if it has one);
/// P@1 counts a first result with all the query's labels. The transform is searched from both too: the query's vector
/// minus the vector of one of its labels plus another value's of that facet (every facet, every other value), a hit when
/// the first result other than the studio crop itself has the changed labels. Then the photos are searched over HTTP
/// through the local host, for the latency of the whole path. Models given together see the same photos.
/// </summary>
public static class PhoneBench
{
    private const int FrameWidth = 1024, FrameHeight = 768;

    public sealed record Figures(string Model, bool FaceStep, int Queries, double StudioP1, double PhoneP1, int PhoneMisses, int StudioMisses,
        double StudioMsPerImage, double PhoneMsPerImage, double HttpSearchP50Ms, int TransformQueries, double StudioTransformTop1,
        double PhoneTransformTop1);

    /// <summary>Phone photos searched over HTTP, one at a time, for the latency of the whole path (decode included).</summary>
    private const int HttpQueries = 200;

    public static async Task<int> RunAsync(IReadOnlyList<string> modelFolders, string outputFile, TextWriter output)
    {
        var figures = new List<Figures>();
        foreach (var folder in modelFolders)
        {
            var result = await MeasureAsync(folder, Path.ChangeExtension(outputFile, null) + $"-{Path.GetFileName(folder.TrimEnd('/'))}.png");
            figures.Add(result);
            output.WriteLine($"{result.Model} (face step {(result.FaceStep ? "on" : "off")}): {result.Queries} queries; studio crops P@1 {result.StudioP1:F3} " +
                             $"({result.StudioMsPerImage:F1} ms each), phone-like photos P@1 {result.PhoneP1:F3} ({result.PhoneMsPerImage:F1} ms each); " +
                             $"no face found in {result.PhoneMisses} photos and {result.StudioMisses} studio crops; " +
                             $"transform top-1 {result.StudioTransformTop1:F3} from studio crops, {result.PhoneTransformTop1:F3} from photos ({result.TransformQueries} queries each); " +
                             $"HTTP search of a photo p50 {result.HttpSearchP50Ms:F1} ms");
        }
        await File.WriteAllTextAsync(outputFile, JsonSerializer.Serialize(figures, BenchJson.Indented));
        return 0;
    }

    private static async Task<Figures> MeasureAsync(string folder, string samplesFile)
    {
        var bundle = await new ModelRepository(new FolderArtifactStore(folder)).LoadCurrentAsync();
        var images = ArtifactStores.ForFolder(folder).Images;
        using var embedder = new OnnxEmbedder(bundle.Model, bundle.Preprocessing, new OnnxEmbedderOptions(), NullLogger.Instance);
        var index = new ExactVectorIndex(bundle.GalleryVectors, bundle.Dimensions);
        var decoder = new ImageDecoder();
        var studio = new Tally();
        var phone = new Tally();
        var samples = new List<IReadOnlyList<ContactSheet.Tile>>();
        var photos = new List<byte[]>();
        for (var i = 0; i < bundle.Gallery.Count; i++)
        {
            var entry = bundle.Gallery[i];
            using var crop = decoder.Decode((await images.ReadAsync(entry.Image)).ToMemory());
            studio.Add(Search(embedder, index, bundle, crop, i));
            var jpeg = Photo(crop, new Random(1_000 + i));
            photos.Add(jpeg);
            using var photo = decoder.Decode(jpeg);
            phone.Add(Search(embedder, index, bundle, photo, i));
            if (samples.Count < 4 * 6)
                samples.Add([new ContactSheet.Tile(photo.Clone(), phone.LastRight ? new Rgb24(0, 160, 0) : new Rgb24(200, 0, 0))]);
        }
        var httpP50 = await HttpSearchP50Async(folder, photos);
        var sheet = ContactSheet.Compose(samples.Chunk(6).Select(row => (IReadOnlyList<ContactSheet.Tile>)row.SelectMany(t => t).ToList()).ToList(), 160);
        await sheet.SaveAsPngAsync(samplesFile);
        return new Figures(Path.GetFileName(folder.TrimEnd('/')), bundle.Preprocessing.Face is not null, bundle.Gallery.Count,
            studio.P1, phone.P1, phone.Misses, studio.Misses, studio.MsPerImage, phone.MsPerImage, httpP50,
            studio.TransformQueries, studio.TransformTop1, phone.TransformTop1);
    }

    /// <summary>The median time of a search by photo through the local host (after 10 to warm up).</summary>
    private static async Task<double> HttpSearchP50Async(string folder, IReadOnlyList<byte[]> photos)
    {
        using var host = HostProcess.Start("--model", folder);
        await host.WaitUntilAsync(async c => (await c.GetAsync("/api/health")).IsSuccessStatusCode);
        var times = new List<double>();
        for (var i = 0; i < HttpQueries + 10; i++)
        {
            using var content = new ByteArrayContent(photos[i % photos.Count]);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
            var clock = Stopwatch.StartNew();
            using var response = await host.Client.PostAsync("/api/search?k=1&wholeImage=true", content);
            response.EnsureSuccessStatusCode();
            if (i >= 10) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times.Order().ElementAt(times.Count / 2);
    }

    /// <summary>The search and the transforms from <paramref name="image"/>, a version of gallery row <paramref name="row"/>.</summary>
    private static Query Search(OnnxEmbedder embedder, ExactVectorIndex index, ModelBundle bundle, Image<Rgb24> image, int row)
    {
        var clock = Stopwatch.StartNew();
        var (vector, face) = embedder.EmbedQuery(image, wholeImageIfNoFace: true);
        var ms = clock.Elapsed.TotalMilliseconds;
        var labels = bundle.Gallery[row].Labels;
        bool Has(int found, IReadOnlyDictionary<string, string> wanted) => wanted.All(l => bundle.Gallery[found].Labels[l.Key] == l.Value);
        var (transforms, transformHits) = (0, 0);
        foreach (var facet in bundle.Facets.Facets)
        foreach (var target in facet.Values.Where(v => v.Value != labels[facet.Name]))
        {
            bundle.Facets.TryGet(facet.Name, labels[facet.Name], out var from);
            bundle.Facets.TryGet(facet.Name, target.Value, out var to);
            var query = VectorMath.Compose([(vector, 1f), (from, -1f), (to, 1f)], bundle.Dimensions);
            var first = index.Search(query, 2).First(h => h.Row != row).Row;
            transforms++;
            transformHits += Has(first, labels.ToDictionary(l => l.Key, l => l.Key == facet.Name ? target.Value : l.Value)) ? 1 : 0;
        }
        return new Query(Has(index.Search(vector, 1)[0].Row, labels), face is { Found: 0 }, ms, transforms, transformHits);
    }

    private sealed record Query(bool Right, bool Missed, double Ms, int Transforms, int TransformHits);

    /// <summary>A phone-like JPEG of <paramref name="face"/>, the same for the same random generator.</summary>
    public static byte[] Photo(Image<Rgb24> face, Random random)
    {
        using var frame = Background(random);
        var height = (int)(FrameHeight * (0.15 + 0.45 * random.NextDouble()));
        var degrees = (float)(random.NextDouble() * 40 - 20);
        using var turned = face.CloneAs<Rgba32>();
        turned.Mutate(x => x.Resize(0, height).Rotate(degrees)); // the corners a turn uncovers stay transparent
        var at = new Point(random.Next(Math.Max(1, FrameWidth - turned.Width)), random.Next(Math.Max(1, FrameHeight - turned.Height)));
        frame.Mutate(x => x.DrawImage(turned, at, 1f));
        var orientation = random.NextDouble() < 0.25 ? new ushort[] { 3, 6, 8 }[random.Next(3)] : (ushort)1;
        if (orientation != 1)
        {
            // Stored turned the other way, as a phone held sideways stores it; the EXIF tag says how to show it.
            frame.Mutate(x => x.Rotate(orientation switch { 3 => RotateMode.Rotate180, 6 => RotateMode.Rotate270, _ => RotateMode.Rotate90 }));
            frame.Metadata.ExifProfile = new ExifProfile();
            frame.Metadata.ExifProfile.SetValue(ExifTag.Orientation, orientation);
        }
        var quality = random.Next(60, 91);
        CastColour(frame, random);
        using var buffer = new MemoryStream();
        frame.Save(buffer, new JpegEncoder { Quality = quality });
        return buffer.ToArray();
    }

    /// <summary>A white balance off as a phone's can be: each channel scaled by 0.85-1.15 (drawn last, so the other draws stay as they were).</summary>
    private static void CastColour(Image<Rgb24> frame, Random random)
    {
        var gains = Enumerable.Range(0, 3).Select(_ => 0.85 + 0.3 * random.NextDouble()).ToArray();
        static byte Scaled(byte value, double gain) => (byte)Math.Clamp(Math.Round(value * gain), 0, 255);
        frame.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
                foreach (ref var pixel in rows.GetRowSpan(y))
                    pixel = new Rgb24(Scaled(pixel.R, gains[0]), Scaled(pixel.G, gains[1]), Scaled(pixel.B, gains[2]));
        });
    }

    /// <summary>A gradient, a noise texture, or clutter (rectangles of many colours).</summary>
    private static Image<Rgb24> Background(Random random)
    {
        var frame = new Image<Rgb24>(FrameWidth, FrameHeight);
        var (a, b) = (RandomColour(random), RandomColour(random));
        var kind = random.Next(3);
        for (var y = 0; y < FrameHeight; y++)
        for (var x = 0; x < FrameWidth; x++)
        {
            var t = (x + y) / (float)(FrameWidth + FrameHeight);
            var noise = kind == 1 ? random.Next(-40, 41) : 0;
            frame[x, y] = new Rgb24(Mix(a.R, b.R, t, noise), Mix(a.G, b.G, t, noise), Mix(a.B, b.B, t, noise));
        }
        if (kind == 2)
            for (var i = 0; i < 40; i++)
            {
                var colour = RandomColour(random);
                var (left, top) = (random.Next(FrameWidth), random.Next(FrameHeight));
                var (right, bottom) = (Math.Min(FrameWidth, left + random.Next(20, 300)), Math.Min(FrameHeight, top + random.Next(20, 300)));
                for (var y = top; y < bottom; y++)
                for (var x = left; x < right; x++)
                    frame[x, y] = colour;
            }
        return frame;
    }

    private static Rgb24 RandomColour(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    private static byte Mix(byte a, byte b, float t, int noise) => (byte)Math.Clamp(a + (b - a) * t + noise, 0, 255);

    private sealed class Tally
    {
        private int _queries, _right, _misses, _transforms, _transformHits;
        private double _ms;

        public bool LastRight { get; private set; }
        public double P1 => (double)_right / _queries;
        public int Misses => _misses;
        public double MsPerImage => _ms / _queries;
        public int TransformQueries => _transforms;
        public double TransformTop1 => (double)_transformHits / _transforms;

        public void Add(Query result)
        {
            _queries++;
            _right += result.Right ? 1 : 0;
            _misses += result.Missed ? 1 : 0;
            _ms += result.Ms;
            _transforms += result.Transforms;
            _transformHits += result.TransformHits;
            LastRight = result.Right;
        }
    }
}
