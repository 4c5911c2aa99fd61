using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace FaceFunctions.TrainingJob.Model;

/// <summary>
/// Checks a weights file against what its name says it is, before any of it is read: the quantised stand-in by its
/// full SHA-256 (../shared/weights/README.md), and torchvision's files (name-hash.pth) by the first eight hex digits
/// of their SHA-256 that torchvision writes into the name and checks itself. Other names are taken as they are.
/// </summary>
public static partial class WeightFiles
{
    public const string QuantisedMobileNetV2 = "mobilenetv2-7.quant.onnx";
    public const string QuantisedMobileNetV2Sha256 = "0b6e9aae276376d9a185f133447ff3e9372095984227ac01cff0650b477f2119";

    [GeneratedRegex(@"-(?<prefix>[0-9a-f]{8})\.pth$")]
    private static partial Regex TorchvisionName();

    /// <returns>The file's SHA-256, in lowercase hex.</returns>
    /// <exception cref="ArgumentException">The file is missing or its contents are not what its name says.</exception>
    public static string Verify(string path)
    {
        if (!File.Exists(path))
            throw new ArgumentException($"The weights file {path} does not exist.");
        string sha256;
        using (var stream = File.OpenRead(path))
            sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        var name = Path.GetFileName(path);
        if (name == QuantisedMobileNetV2 && sha256 != QuantisedMobileNetV2Sha256)
            throw new ArgumentException($"{path} has SHA-256 {sha256}, not {QuantisedMobileNetV2Sha256}: it is not the file its name says.");
        if (TorchvisionName().Match(name) is { Success: true } torchvision && !sha256.StartsWith(torchvision.Groups["prefix"].Value, StringComparison.Ordinal))
            throw new ArgumentException($"{path} has SHA-256 {sha256}, which does not start with the {torchvision.Groups["prefix"].Value} its name says (a damaged download?).");
        return sha256;
    }
}
