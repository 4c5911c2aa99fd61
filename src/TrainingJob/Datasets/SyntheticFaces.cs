using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceFunctions.TrainingJob.Datasets;

public sealed record SyntheticFacesOptions
{
    /// <summary>Identities to draw, at most <see cref="SyntheticFaces.PersonCodes"/>.Length.</summary>
    public int Persons { get; init; } = 8;
    /// <summary>Images per (person, expression) cell, each with its own shift, rotation, lighting and noise.</summary>
    public int VariantsPerCell { get; init; } = 3;
    public int Size { get; init; } = 256;
    public int Seed { get; init; } = 1;
}

/// <summary>
/// The embedded default dataset: faces the project draws itself (no third-party data), written in JAFFE's naming and
/// format (PERSON.EXPRn.ID.tiff, 8-bit gray TIFF) so that the JAFFE path is exercised. Identity lives in face shape,
/// hair, eyes, nose and skin tone; expression in mouth, brows and eye openness; variants in small shifts, rotation,
/// lighting and noise. Deterministic for a seed.
/// </summary>
public static class SyntheticFaces
{
    public static readonly string[] PersonCodes = ["AK", "BM", "CH", "DL", "EN", "FR", "GS", "HT", "IV", "JW", "KX", "LY"];
    public static readonly string[] ExpressionCodes = ["AN", "DI", "FE", "HA", "NE", "SA", "SU"];

    /// <summary>Writes every image into <paramref name="folder"/> and returns the file paths.</summary>
    public static IReadOnlyList<string> Write(string folder, SyntheticFacesOptions options)
    {
        if (options.Persons < 2 || options.Persons > PersonCodes.Length)
            throw new ArgumentOutOfRangeException(nameof(options), $"Persons must be between 2 and {PersonCodes.Length}.");
        Directory.CreateDirectory(folder);
        var encoder = new TiffEncoder
        {
            BitsPerPixel = TiffBitsPerPixel.Bit8,
            PhotometricInterpretation = SixLabors.ImageSharp.Formats.Tiff.Constants.TiffPhotometricInterpretation.BlackIsZero,
            Compression = SixLabors.ImageSharp.Formats.Tiff.Constants.TiffCompression.None,
        };
        var paths = new List<string>();
        var id = 1;
        for (var p = 0; p < options.Persons; p++)
        for (var e = 0; e < ExpressionCodes.Length; e++)
        for (var v = 1; v <= options.VariantsPerCell; v++)
        {
            using var image = Render(p, e, v, options);
            var path = Path.Combine(folder, $"{PersonCodes[p]}.{ExpressionCodes[e]}{v}.{id++}.tiff");
            image.Save(path, encoder);
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>Draws person <paramref name="person"/> with expression <paramref name="expression"/>; variant 0 is unshifted and clean.</summary>
    public static Image<L8> Render(int person, int expression, int variant, SyntheticFacesOptions options)
    {
        var who = Identity.Of(person, options.Seed);
        var what = Expression.Of(ExpressionCodes[expression]);
        var how = Variant.Of(person, expression, variant, options.Seed);
        var size = options.Size;
        var noise = new Random(Mix(options.Seed, person, expression, variant, 17));
        var image = new Image<L8>(size, size);
        var half = size / 2f;
        var aa = 1.5f / half;
        var (sin, cos) = MathF.SinCos(-how.Rotation);
        for (var py = 0; py < size; py++)
        for (var px = 0; px < size; px++)
        {
            var sx = (px + 0.5f - half) / half - how.ShiftX;
            var sy = (py + 0.5f - half) / half - how.ShiftY;
            var x = (sx * cos - sy * sin) / how.Scale;
            var y = (sx * sin + sy * cos) / how.Scale;
            var value = Shade(x, y, who, what, aa);
            var light = 1f + how.Light * ((px / half - 1f) * MathF.Cos(how.LightAngle) + (py / half - 1f) * MathF.Sin(how.LightAngle));
            value = value * light + how.Noise * Gaussian(noise);
            image[px, py] = new L8((byte)Math.Clamp(MathF.Round(value), 0f, 255f));
        }
        return image;
    }

    /// <summary>A seed from several integers, the same in every process (unlike HashCode.Combine).</summary>
    private static int Mix(params int[] parts)
    {
        ulong h = 0x9E3779B97F4A7C15;
        foreach (var part in parts)
        {
            h ^= (ulong)(uint)part + 0x9E3779B97F4A7C15 + (h << 6) + (h >> 2);
            h *= 0xBF58476D1CE4E5B9;
        }
        return (int)(h ^ (h >> 31));
    }

    private static float Gaussian(Random random)
    {
        var u = 1.0 - random.NextDouble();
        var v = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v));
    }

    /// <summary>The gray value at face coordinates (x right, y down, face centred near the origin, unit = half the image).</summary>
    private static float Shade(float x, float y, Identity who, Expression what, float aa)
    {
        var canvas = new Canvas(aa);
        PaintHead(ref canvas, x, y, who);
        for (var s = -1; s <= 1; s += 2)
            PaintEye(ref canvas, x, y, s, who, what);
        var noseTip = PaintNose(ref canvas, x, y, who, what);
        PaintMouth(ref canvas, x, y, noseTip + who.MouthDrop, who, what);
        return canvas.Value;
    }

    /// <summary>One pixel's gray, painted over shape by shape, each shape's edge anti-aliased over <c>aa</c>.</summary>
    private struct Canvas(float aa)
    {
        public float Value = 70f; // background

        public void Paint(float distance, float gray) => Value += (gray - Value) * Math.Clamp(0.5f - distance / aa, 0f, 1f);
    }

    /// <summary>Hair behind, neck, ears, face, then the hair on top.</summary>
    private static void PaintHead(ref Canvas canvas, float x, float y, Identity who)
    {
        var faceTop = who.FaceCenterY - who.FaceHeight;
        if (who.HairStyle == 1) // long hair falls behind the face and shoulders
            canvas.Paint(Ellipse(x, y, 0f, who.FaceCenterY + 0.12f, who.FaceWidth * 1.35f, who.FaceHeight * 1.25f), who.Hair);
        canvas.Paint(Box(x, y, 0f, who.FaceCenterY + who.FaceHeight + 0.12f, who.FaceWidth * 0.45f, 0.2f), who.Skin * 0.85f); // neck
        for (var s = -1; s <= 1; s += 2) // ears
            canvas.Paint(Ellipse(x, y, s * who.FaceWidth * 0.98f, who.EyeY + 0.05f, who.EarSize * 0.6f, who.EarSize), who.Skin * 0.9f);
        canvas.Paint(Ellipse(x, y, 0f, who.FaceCenterY, who.FaceWidth, who.FaceHeight), who.Skin);

        // Hair on top: the part of a slightly larger ellipse above the hairline.
        var hairline = who.HairStyle switch
        {
            2 => faceTop + 0.07f, // receding
            3 => faceTop + who.HairDepth + 0.025f * MathF.Sin(x * 40f), // jagged fringe
            _ => faceTop + who.HairDepth,
        };
        var cap = Math.Max(Ellipse(x, y, 0f, who.FaceCenterY - 0.02f, who.FaceWidth * 1.1f, who.FaceHeight * 1.08f), y - hairline);
        canvas.Paint(cap, who.Hair);
    }

    /// <summary>The eye on side <paramref name="s"/> (-1 left, 1 right) and its brow.</summary>
    private static void PaintEye(ref Canvas canvas, float x, float y, int s, Identity who, Expression what)
    {
        var ex = s * who.EyeSpacing;
        var open = who.EyeSize * what.EyeOpenness;
        var eyeWhite = Ellipse(x, y, ex, who.EyeY, who.EyeSize * 1.6f, open);
        canvas.Paint(eyeWhite, 235f);
        var iris = Math.Max(Circle(x, y, ex, who.EyeY, who.EyeSize * 0.8f), eyeWhite);
        canvas.Paint(iris, who.Iris);
        canvas.Paint(Math.Max(Circle(x, y, ex, who.EyeY, who.EyeSize * 0.35f), eyeWhite), 15f);
        // Upper lid line.
        canvas.Paint(MathF.Abs(eyeWhite) - 0.006f, who.Skin * 0.45f);

        // Brow: from inner to outer end; tilt lowers (angry) or raises (sad, afraid) the inner end.
        var browY = who.EyeY - who.EyeSize * 1.9f - what.BrowRaise;
        var inner = (X: s * (who.EyeSpacing - who.EyeSize * 1.3f), Y: browY + what.BrowTilt * 0.04f);
        var outer = (X: s * (who.EyeSpacing + who.EyeSize * 1.9f), Y: browY - what.BrowTilt * 0.01f + 0.01f);
        canvas.Paint(Capsule(x, y, inner.X, inner.Y, outer.X, outer.Y) - who.BrowThickness, who.Hair * 0.9f);
    }

    /// <summary>A shaded ridge, two nostrils, and the wrinkles of disgust; returns the tip's height.</summary>
    private static float PaintNose(ref Canvas canvas, float x, float y, Identity who, Expression what)
    {
        var noseTip = who.EyeY + who.NoseLength;
        canvas.Paint(Capsule(x, y, who.NoseWidth * 0.4f, who.EyeY + 0.03f, who.NoseWidth * 0.6f, noseTip) - 0.006f, who.Skin * 0.75f);
        for (var s = -1; s <= 1; s += 2)
            canvas.Paint(Ellipse(x, y, s * who.NoseWidth * 0.5f, noseTip + 0.005f, who.NoseWidth * 0.35f, 0.012f), who.Skin * 0.45f);
        if (what.NoseWrinkle > 0)
            for (var s = -1; s <= 1; s += 2)
                canvas.Paint(Capsule(x, y, s * who.NoseWidth * 0.9f, noseTip - 0.05f, s * who.NoseWidth * 1.3f, noseTip - 0.01f) - 0.004f, who.Skin * 0.6f);
        return noseTip;
    }

    /// <summary>An opening (dark, teeth when smiling), or the lip line y = mouthY - curve·(x/w)² + skew·x/w.</summary>
    private static void PaintMouth(ref Canvas canvas, float x, float y, float mouthY, Identity who, Expression what)
    {
        var width = who.MouthWidth * what.MouthWidth;
        if (what.MouthOpen > 0)
        {
            var rx = width * (what.MouthRound ? 0.45f : 0.85f);
            var ry = 0.012f + what.MouthOpen * 0.055f;
            var cy = mouthY + ry * 0.6f - what.Curve * 0.5f;
            var opening = Ellipse(x, y, 0f, cy, rx, ry);
            canvas.Paint(opening, 35f);
            if (what.Teeth)
                canvas.Paint(Math.Max(opening, y - (cy - ry * 0.2f)), 225f);
            canvas.Paint(MathF.Abs(opening) - 0.007f, who.Skin * 0.55f);
        }
        else
        {
            var t = Math.Clamp(x / width, -1f, 1f);
            var lipY = mouthY - what.Curve * t * t + what.Skew * t;
            var along = MathF.Abs(x) > width ? Hypot(MathF.Abs(x) - width, y - lipY) : MathF.Abs(y - lipY);
            canvas.Paint(along - who.LipThickness, who.Skin * 0.5f);
        }
    }

    private static float Hypot(float a, float b) => MathF.Sqrt(a * a + b * b);

    /// <summary>Approximate signed distance to an ellipse (negative inside).</summary>
    private static float Ellipse(float x, float y, float cx, float cy, float rx, float ry)
    {
        var dx = (x - cx) / rx;
        var dy = (y - cy) / ry;
        var k = MathF.Sqrt(dx * dx + dy * dy);
        return (k - 1f) * MathF.Min(rx, ry);
    }

    private static float Circle(float x, float y, float cx, float cy, float r) => Hypot(x - cx, y - cy) - r;

    private static float Box(float x, float y, float cx, float cy, float hx, float hy) =>
        MathF.Max(MathF.Abs(x - cx) - hx, MathF.Abs(y - cy) - hy);

    /// <summary>Distance to the segment from (ax, ay) to (bx, by).</summary>
    private static float Capsule(float x, float y, float ax, float ay, float bx, float by)
    {
        var (px, py, dx, dy) = (x - ax, y - ay, bx - ax, by - ay);
        var h = Math.Clamp((px * dx + py * dy) / (dx * dx + dy * dy), 0f, 1f);
        return Hypot(px - dx * h, py - dy * h);
    }

    private sealed record Identity(
        float FaceWidth, float FaceHeight, float FaceCenterY, float Skin, float Hair, int HairStyle, float HairDepth,
        float EyeSpacing, float EyeY, float EyeSize, float Iris, float BrowThickness, float NoseLength, float NoseWidth,
        float MouthWidth, float MouthDrop, float LipThickness, float EarSize)
    {
        public static Identity Of(int person, int seed)
        {
            var r = new Random(Mix(seed, person, 101));
            float Between(float low, float high) => low + (float)r.NextDouble() * (high - low);
            // Spread skin tone and hair evenly over their ranges (golden-ratio steps) so no two persons look alike.
            var spread = person * 0.618034f % 1f;
            return new Identity(
                FaceWidth: Between(0.46f, 0.58f),
                FaceHeight: Between(0.60f, 0.72f),
                FaceCenterY: Between(0.0f, 0.08f),
                Skin: 150f + 70f * spread,
                Hair: 15f + 90f * ((spread + 0.5f) % 1f),
                HairStyle: person % 4,
                HairDepth: Between(0.14f, 0.26f),
                EyeSpacing: Between(0.17f, 0.25f),
                EyeY: Between(-0.12f, -0.04f),
                EyeSize: Between(0.04f, 0.06f),
                Iris: Between(40f, 130f),
                BrowThickness: Between(0.008f, 0.02f),
                NoseLength: Between(0.15f, 0.24f),
                NoseWidth: Between(0.035f, 0.06f),
                MouthWidth: Between(0.12f, 0.19f),
                MouthDrop: Between(0.10f, 0.15f),
                LipThickness: Between(0.007f, 0.014f),
                EarSize: Between(0.08f, 0.12f));
        }
    }

    private sealed record Expression(
        float Curve, float Skew, float MouthOpen, bool MouthRound, bool Teeth, float MouthWidth, float BrowTilt,
        float BrowRaise, float EyeOpenness, float NoseWrinkle)
    {
        public static Expression Of(string code) => code switch
        {
            "NE" => new(0f, 0f, 0f, false, false, 1f, 0f, 0f, 1f, 0f),
            "HA" => new(0.07f, 0f, 0.45f, false, true, 1.25f, 0f, 0f, 0.6f, 0f),
            "SA" => new(-0.05f, 0f, 0f, false, false, 0.9f, -0.9f, 0.01f, 0.75f, 0f),
            "AN" => new(-0.02f, 0f, 0f, false, false, 0.8f, 1.0f, -0.025f, 0.85f, 0f),
            "SU" => new(0f, 0f, 1.0f, true, false, 1f, 0f, 0.06f, 1.45f, 0f),
            "FE" => new(-0.03f, 0f, 0.35f, false, false, 1.3f, -0.7f, 0.035f, 1.3f, 0f),
            "DI" => new(-0.02f, 0.035f, 0f, false, false, 1f, 0.6f, -0.01f, 0.55f, 1f),
            _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Unknown expression code."),
        };
    }

    private sealed record Variant(float ShiftX, float ShiftY, float Rotation, float Scale, float Light, float LightAngle, float Noise)
    {
        public static Variant Of(int person, int expression, int variant, int seed)
        {
            if (variant == 0)
                return new Variant(0, 0, 0, 1, 0, 0, 0);
            var r = new Random(Mix(seed, person, expression, variant, 202));
            float Between(float low, float high) => low + (float)r.NextDouble() * (high - low);
            return new Variant(
                ShiftX: Between(-0.05f, 0.05f),
                ShiftY: Between(-0.05f, 0.05f),
                Rotation: Between(-0.1f, 0.1f),
                Scale: Between(0.94f, 1.06f),
                Light: Between(0f, 0.22f),
                LightAngle: Between(0f, MathF.Tau),
                Noise: Between(2f, 7f));
        }
    }
}
