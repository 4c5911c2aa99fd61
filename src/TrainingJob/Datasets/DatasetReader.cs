using System.Text.RegularExpressions;
using FaceFunctions.Imaging;

namespace FaceFunctions.TrainingJob.Datasets;

/// <summary>
/// Turns a folder into labelled images: JAFFE or Yale file naming, or a manifest CSV, in which an empty value leaves
/// an image partly labelled (it trains the facets it has a value on).
/// </summary>
public static partial class DatasetReader
{
    public const string ManifestFileName = "manifest.csv";

    /// <summary>Manifest columns that describe the file rather than label it.</summary>
    private static readonly HashSet<string> NonFacetColumns =
        new(["md5", "sha1", "sha256", "checksum", "hash", "id"], StringComparer.OrdinalIgnoreCase);

    private static readonly string[] PathColumns = ["path", "file", "filename"];

    [GeneratedRegex(@"^(?<person>[A-Za-z]{2})\.(?<expression>[A-Za-z]{2})\d+\.\d+\.(tiff?|png|jpe?g|gif|bmp)$", RegexOptions.IgnoreCase)]
    private static partial Regex JaffeName();

    // The original Yale files have no extension ("subject01.happy"); converted copies do.
    [GeneratedRegex(@"^(?<subject>subject\d+)\.(?<condition>[a-z]+)(\.(png|gif|jpe?g|tiff?|bmp))?$", RegexOptions.IgnoreCase)]
    private static partial Regex YaleName();

    public static LabelledDataset Read(string folder, DatasetFormat format = DatasetFormat.Auto) =>
        LabelledDataset.Of(ReadPart(folder, format));

    /// <summary>A folder as one source of a dataset: unchecked until joined (<see cref="LabelledDataset.Join"/>).</summary>
    public static DatasetPart ReadPart(string folder, DatasetFormat format = DatasetFormat.Auto)
    {
        if (!Directory.Exists(folder))
            throw new DatasetException($"The dataset folder '{folder}' does not exist.");
        folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (format == DatasetFormat.Auto)
            format = Detect(folder);
        return format switch
        {
            DatasetFormat.Manifest => ReadManifest(folder),
            DatasetFormat.Jaffe => ReadByName(folder, JaffeName(), ["person", "expression"],
                m => [m.Groups["person"].Value.ToUpperInvariant(), m.Groups["expression"].Value.ToUpperInvariant()],
                "JAFFE naming PERSON.EXPRn.ID.tiff (e.g. KM.HA1.4.tiff)"),
            DatasetFormat.Yale => ReadByName(folder, YaleName(), ["subject", "condition"],
                m => [m.Groups["subject"].Value.ToLowerInvariant(), m.Groups["condition"].Value.ToLowerInvariant()],
                "Yale naming subjectNN.condition[.ext] (e.g. subject01.happy.png)"),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }

    private static DatasetFormat Detect(string folder)
    {
        if (File.Exists(Path.Combine(folder, ManifestFileName)))
            return DatasetFormat.Manifest;
        var names = Directory.EnumerateFiles(folder).Select(Path.GetFileName).ToList();
        var jaffe = names.Count(n => JaffeName().IsMatch(n!));
        var yale = names.Count(n => YaleName().IsMatch(n!));
        if (jaffe == 0 && yale == 0)
            throw new DatasetException(
                $"Cannot tell the layout of '{folder}': no {ManifestFileName}, and no file follows JAFFE naming " +
                "(KM.HA1.4.tiff) or Yale naming (subject01.happy.png). Add a manifest.csv with a path column and one column per facet.");
        return jaffe >= yale ? DatasetFormat.Jaffe : DatasetFormat.Yale;
    }

    private static DatasetPart ReadByName(string folder, Regex pattern, string[] facets,
        Func<Match, string[]> values, string naming)
    {
        var images = new List<LabelledImage>();
        var problems = new List<DatasetProblem>();
        foreach (var path in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var match = pattern.Match(name);
            if (!match.Success)
            {
                if (ImageFiles.HasImageExtension(name))
                    problems.Add(new DatasetProblem(name, $"the name does not follow {naming}"));
                continue;
            }
            var labels = facets.Zip(values(match)).ToDictionary(p => p.First, p => p.Second);
            AddIfReadable(images, problems, folder, path, labels);
        }
        return new DatasetPart(Path.GetFileName(folder), folder, facets, images, problems);
    }

    private static DatasetPart ReadManifest(string folder)
    {
        var manifestPath = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(manifestPath))
            throw new DatasetException($"'{folder}' has no {ManifestFileName}.");
        var rows = Csv.Parse(File.ReadAllText(manifestPath));
        if (rows.Count == 0)
            throw new DatasetException($"{manifestPath} is empty.");
        var header = rows[0].Select(h => h.Trim()).ToList();
        var pathColumn = header.FindIndex(h => PathColumns.Contains(h, StringComparer.OrdinalIgnoreCase));
        if (pathColumn < 0)
            throw new DatasetException($"{manifestPath} has no path column: name one of {string.Join(", ", PathColumns)}.");
        var facetColumns = Enumerable.Range(0, header.Count)
            .Where(i => i != pathColumn && !NonFacetColumns.Contains(header[i]) && header[i].Length > 0)
            .ToList();
        var facets = facetColumns.Select(i => header[i]).ToList();

        var images = new List<LabelledImage>();
        var problems = new List<DatasetProblem>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        for (var r = 1; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row.All(string.IsNullOrWhiteSpace)) continue;
            var where = $"{ManifestFileName} line {r + 1}";
            if (row.Count != header.Count)
            {
                problems.Add(new DatasetProblem(where, $"has {row.Count} fields, the header {header.Count}"));
                continue;
            }
            var relative = row[pathColumn].Trim();
            // An empty value leaves the image partly labelled: it trains the facets it has a value on.
            var labelled = facetColumns.Where(i => !string.IsNullOrWhiteSpace(row[i])).ToList();
            if (labelled.Count == 0)
            {
                problems.Add(new DatasetProblem(relative, $"no value on any facet ({where})"));
                continue;
            }
            var path = Path.GetFullPath(Path.Combine(folder, relative));
            if (!path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                problems.Add(new DatasetProblem(relative, $"the path leaves the dataset folder ({where})"));
                continue;
            }
            if (!File.Exists(path))
            {
                problems.Add(new DatasetProblem(relative, $"file not found ({where})"));
                continue;
            }
            if (!listed.Add(path))
            {
                problems.Add(new DatasetProblem(relative, $"listed on an earlier line too ({where})"));
                continue;
            }
            var labels = labelled.ToDictionary(i => header[i], i => row[i].Trim());
            AddIfReadable(images, problems, folder, path, labels);
        }
        return new DatasetPart(Path.GetFileName(folder), folder, facets, images, problems);
    }

    private static void AddIfReadable(List<LabelledImage> images, List<DatasetProblem> problems, string folder,
        string path, Dictionary<string, string> labels)
    {
        var relative = Path.GetRelativePath(folder, path);
        // Decoded whole, so that a file the job cannot use is found here, not after hours of training.
        var reason = new ImageDecoder().WhyUnusable(path);
        if (reason is not null)
        {
            problems.Add(new DatasetProblem(relative, reason));
            return;
        }
        images.Add(new LabelledImage(ImageFiles.IdOf(relative), path, labels));
    }
}
