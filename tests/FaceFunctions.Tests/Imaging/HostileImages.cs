using System.Buffers.Binary;
using System.IO.Hashing;

namespace FaceFunctions.Tests.Imaging;

/// <summary>Image files written byte by byte, as an attacker would: headers that claim what the data does not hold.</summary>
public static class HostileImages
{
    /// <summary>A PNG signature and IHDR chunk claiming the given size, and nothing else.</summary>
    public static byte[] PngHeader(int width, int height)
    {
        var ihdr = new byte[4 + 13];
        "IHDR"u8.CopyTo(ihdr);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(8), height);
        ihdr[12] = 8; // bit depth
        ihdr[13] = 0; // gray
        var chunk = new byte[4 + ihdr.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(chunk, 13);
        ihdr.CopyTo(chunk, 4);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(4 + ihdr.Length), Crc32.HashToUInt32(ihdr));
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. chunk];
    }

    /// <summary>
    /// An uncompressed 8-bit gray TIFF with one page per entry. A page's strip claims width × height bytes but holds
    /// only <paramref name="pixels"/>' bytes: a small file whose later pages claim to be huge.
    /// </summary>
    public static byte[] Tiff(params (int Width, int Height, byte[] Pixels)[] pages)
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer);
        writer.Write("II"u8);
        writer.Write((ushort)42);
        writer.Write(8u); // the first directory follows the header
        for (var p = 0; p < pages.Length; p++)
        {
            var (width, height, pixels) = pages[p];
            const int entries = 9;
            var dataOffset = (uint)(buffer.Position + 2 + entries * 12 + 4);
            var next = p == pages.Length - 1 ? 0u : dataOffset + (uint)pixels.Length;
            writer.Write((ushort)entries);
            Entry(writer, 256, 4, (uint)width);          // ImageWidth
            Entry(writer, 257, 4, (uint)height);         // ImageLength
            Entry(writer, 258, 3, 8);                    // BitsPerSample
            Entry(writer, 259, 3, 1);                    // Compression: none
            Entry(writer, 262, 3, 1);                    // PhotometricInterpretation: black is zero
            Entry(writer, 273, 4, dataOffset);           // StripOffsets
            Entry(writer, 277, 3, 1);                    // SamplesPerPixel
            Entry(writer, 278, 4, (uint)height);         // RowsPerStrip
            Entry(writer, 279, 4, (uint)((long)width * height)); // StripByteCounts, as claimed
            writer.Write(next);
            writer.Write(pixels);
        }
        return buffer.ToArray();
    }

    private static void Entry(BinaryWriter writer, ushort tag, ushort type, uint value)
    {
        writer.Write(tag);
        writer.Write(type);
        writer.Write(1u);
        if (type == 3)
        {
            writer.Write((ushort)value);
            writer.Write((ushort)0);
        }
        else
            writer.Write(value);
    }

    /// <summary>A BMP header (BITMAPINFOHEADER, 24 bits) and rows of blue-green-red pixels.</summary>
    public static byte[] Bmp(int width, int height)
    {
        var stride = (width * 3 + 3) / 4 * 4;
        var size = 54 + stride * height;
        var bytes = new byte[size];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), size);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(34), stride * height);
        for (var i = 54; i < size; i++)
            bytes[i] = (byte)(i * 7);
        return bytes;
    }
}
