using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace FaceFunctions.Artifacts;

/// <summary>
/// Row-major float32 matrices in NumPy's .npy format (version 1.0, little-endian '&lt;f4'), so Python users can
/// numpy.load() the gallery. Layout: magic "\x93NUMPY", 1, 0, a uint16 header length, an ASCII dict padded to 64 bytes,
/// then rows × columns floats.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    [GeneratedRegex(@"'shape':\s*\((\d+),\s*(\d+)\)")]
    private static partial Regex Shape();

    public static byte[] Write(ReadOnlySpan<float> values, int rows, int columns)
    {
        if (values.Length != rows * columns)
            throw new ArgumentException($"{values.Length} values are not {rows}x{columns}.", nameof(values));
        var dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {columns}), }}";
        var unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        var header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        var data = MemoryMarshal.AsBytes(values);
        var bytes = new byte[Magic.Length + 4 + header.Length + data.Length];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        bytes[7] = 0;
        BitConverter.TryWriteBytes(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header).CopyTo(bytes, 10);
        data.CopyTo(bytes.AsSpan(10 + header.Length));
        return bytes;
    }

    public static (float[] Values, int Rows, int Columns) Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic) || bytes[6] != 1)
            throw new InvalidDataException("Not a version 1 .npy file.");
        int headerLength = BitConverter.ToUInt16(bytes[8..10]);
        var header = Encoding.ASCII.GetString(bytes.Slice(10, headerLength));
        if (!header.Contains("'<f4'") || header.Contains("'fortran_order': True"))
            throw new InvalidDataException("Only C-order little-endian float32 .npy files are read.");
        var shape = Shape().Match(header);
        if (!shape.Success)
            throw new InvalidDataException("Only two-dimensional .npy files are read.");
        var rows = int.Parse(shape.Groups[1].Value);
        var columns = int.Parse(shape.Groups[2].Value);
        var data = bytes[(10 + headerLength)..];
        if (data.Length != (long)rows * columns * sizeof(float))
            throw new InvalidDataException($"The .npy data holds {data.Length} bytes, not {rows}x{columns} floats.");
        return (MemoryMarshal.Cast<byte, float>(data).ToArray(), rows, columns);
    }
}
