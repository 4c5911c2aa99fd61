using FaceFunctions.Datasets;
using FaceFunctions.Tests.Infrastructure;
using SixLabors.ImageSharp;
using Xunit;

namespace FaceFunctions.Tests.Datasets;

public sealed class DatasetReaderTests
{
    private static readonly SyntheticFacesOptions Tiny = new() { Persons = 2, VariantsPerCell = 1, Size = 32 };

    [Fact]
    public void Jaffe_naming_gives_person_and_expression()
    {
        using var folder = new TempFolder();
        SyntheticFaces.Write(folder.Path, Tiny);
        var dataset = DatasetReader.Read(folder.Path);
        Assert.Equal(["person", "expression"], dataset.Facets);
        Assert.Equal(14, dataset.Images.Count);
        Assert.Equal(["AK", "BM"], dataset.Values("person"));
        Assert.Equal(SyntheticFaces.ExpressionCodes, dataset.Values("expression"));
        var first = dataset.Images.Single(i => i.Id == "AK.HA1.4");
        Assert.Equal("HA", first.Labels["expression"]);
        Assert.Empty(dataset.Problems);
    }

    [Fact]
    public void Unreadable_and_misnamed_files_are_reported_by_name_with_the_reason()
    {
        using var folder = new TempFolder();
        SyntheticFaces.Write(folder.Path, Tiny);
        File.WriteAllText(folder.File("KM.SU1.99.tiff"), "not a tiff");
        File.Copy(Directory.GetFiles(folder.Path)[0], folder.File("holiday.tiff"));
        File.WriteAllText(folder.File("notes.txt"), "ignored: not an image extension");
        var dataset = DatasetReader.Read(folder.Path, DatasetFormat.Jaffe);
        Assert.Equal(14, dataset.Images.Count);
        Assert.Collection(dataset.Problems.OrderBy(p => p.File),
            p => { Assert.Equal("KM.SU1.99.tiff", p.File); Assert.Contains("not an image", p.Reason); },
            p => { Assert.Equal("holiday.tiff", p.File); Assert.Contains("JAFFE naming", p.Reason); });
    }

    [Fact]
    public void Yale_naming_gives_subject_and_condition()
    {
        using var folder = new TempFolder();
        foreach (var (subject, condition) in new[] { ("subject01", "happy"), ("subject01", "sad"), ("subject02", "happy"), ("subject02", "sad") })
            SyntheticFaces.Render(subject == "subject01" ? 0 : 1, condition == "happy" ? 3 : 5, 0, Tiny).SaveAsPng(folder.File($"{subject}.{condition}.png"));
        var dataset = DatasetReader.Read(folder.Path);
        Assert.Equal(["subject", "condition"], dataset.Facets);
        Assert.Equal(["happy", "sad"], dataset.Values("condition"));
    }

    [Fact]
    public void A_manifest_names_any_facets_and_reports_missing_files_and_values()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("shots"));
        var rows = new List<string> { "path,colour,shape,md5" };
        for (var i = 0; i < 4; i++)
        {
            SyntheticFaces.Render(i % 2, i / 2, 0, Tiny).SaveAsPng(folder.File($"shots/{i}.png"));
            rows.Add($"shots/{i}.png,\"{(i % 2 == 0 ? "red, dark" : "blue")}\",{(i < 2 ? "round" : "square")},abc");
        }
        rows.Add("shots/missing.png,red,round,abc");
        rows.Add("shots/0.png,,round,abc");
        File.WriteAllLines(folder.File(DatasetReader.ManifestFileName), rows);
        var dataset = DatasetReader.Read(folder.Path);
        Assert.Equal(["colour", "shape"], dataset.Facets);
        Assert.Equal(["blue", "red, dark"], dataset.Values("colour"));
        Assert.Equal("shots~0", dataset.Images[0].Id);
        Assert.Contains(dataset.Problems, p => p.File == "shots/missing.png" && p.Reason.Contains("not found"));
        Assert.Contains(dataset.Problems, p => p.Reason.Contains("no value for facet 'colour'"));
    }

    [Fact]
    public void A_single_valued_facet_is_a_clear_error()
    {
        using var folder = new TempFolder();
        SyntheticFaces.Write(folder.Path, Tiny with { Persons = 2 });
        foreach (var file in Directory.GetFiles(folder.Path, "BM.*"))
            File.Delete(file);
        var error = Assert.Throws<DatasetException>(() => DatasetReader.Read(folder.Path));
        Assert.Contains("'person'", error.Message);
        Assert.Contains("single value", error.Message);
    }

    [Fact]
    public void An_empty_or_unrecognised_folder_is_a_clear_error()
    {
        using var folder = new TempFolder();
        Assert.Contains("Cannot tell the layout", Assert.Throws<DatasetException>(() => DatasetReader.Read(folder.Path)).Message);
        Assert.Contains("empty", Assert.Throws<DatasetException>(() => DatasetReader.Read(folder.Path, DatasetFormat.Jaffe)).Message);
        Assert.Contains("does not exist", Assert.Throws<DatasetException>(() => DatasetReader.Read(folder.File("nope"))).Message);
    }

    [Fact]
    public void The_yale_faces_read_as_15_subjects_by_11_conditions()
    {
        var dataset = DatasetReader.Read(RepositoryPaths.YaleFaces);
        Assert.Equal(["subject", "condition"], dataset.Facets);
        Assert.Equal(165, dataset.Images.Count);
        Assert.Equal(15, dataset.Values("subject").Count);
        Assert.Equal(11, dataset.Values("condition").Count);
    }
}
