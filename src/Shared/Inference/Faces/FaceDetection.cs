using SixLabors.ImageSharp;

namespace FaceFunctions.Faces;

/// <summary>
/// A face found in an image, in that image's pixels: its box, the detector's confidence, and six keypoints in
/// BlazeFace's order (the eye on the image's left, the other eye, the nose tip, the mouth, the ear on the left, the other ear).
/// </summary>
public sealed record FaceDetection(RectangleF Box, float Score, IReadOnlyList<PointF> Keypoints)
{
    public const int KeypointCount = 6;

    public PointF LeftEye => Keypoints[0];
    public PointF RightEye => Keypoints[1];

    public float IntersectionOverUnion(FaceDetection other)
    {
        var inner = RectangleF.Intersect(Box, other.Box);
        var innerArea = inner.Width <= 0 || inner.Height <= 0 ? 0 : inner.Width * inner.Height;
        var union = Box.Width * Box.Height + other.Box.Width * other.Box.Height - innerArea;
        return union <= 0 ? 0 : innerArea / union;
    }
}
