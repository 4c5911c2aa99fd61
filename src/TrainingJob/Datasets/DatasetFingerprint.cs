using System.Security.Cryptography;
using System.Text;

namespace FaceFunctions.TrainingJob.Datasets;

/// <summary>
/// What a dataset holds, in one hash: a SHA-256 over every image's id, labels and file bytes, in id order (partly
/// labelled images included). Two reads of
/// the same images agree wherever they were read from (a folder, a blob copy, a fresh drawing of the same faces).
/// </summary>
/// <param name="Source">Where it was read from, for messages only.</param>
public sealed record DatasetFingerprint(string Source, IReadOnlyList<string> Facets, int Images, string Sha256)
{
    public static DatasetFingerprint Of(LabelledDataset dataset)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Append(string text)
        {
            // Length-prefixed, so that no two sequences of strings hash alike.
            var bytes = Encoding.UTF8.GetBytes(text);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }
        foreach (var facet in dataset.Facets)
            Append(facet);
        foreach (var image in dataset.Images.Concat(dataset.PartlyLabelled).OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            Append(image.Id);
            foreach (var facet in dataset.Facets)
            {
                // A missing value hashes as a length no string has.
                if (image.Labels.TryGetValue(facet, out var value)) Append(value);
                else hash.AppendData(BitConverter.GetBytes(-1));
            }
            hash.AppendData(SHA256.HashData(File.ReadAllBytes(image.Path)));
        }
        return new DatasetFingerprint(dataset.Source, dataset.Facets, dataset.Images.Count + dataset.PartlyLabelled.Count,
            Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
