using FaceFunctions.Artifacts;
using FaceFunctions.Tests.Imaging;
using FaceFunctions.Tests.Infrastructure;
using FaceFunctions.TrainingJob.Datasets;
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
    public void All_but_one_of_each_cell_trains_on_every_image_but_the_last_of_cells_that_have_two_or_more()
    {
        LabelledImage Image(string id, string person, string expression) =>
            new(id, id, new Dictionary<string, string> { ["person"] = person, ["expression"] = expression });
        var dataset = new LabelledDataset("test", ["person", "expression"],
            [Image("a3", "A", "x"), Image("a1", "A", "x"), Image("a2", "A", "x"), Image("b1", "B", "x"), Image("b2", "B", "y"), Image("c1", "A", "y"), Image("c2", "A", "y")], []);
        Assert.Equal(["a1", "a2", "c1", "b1", "b2"], dataset.ImagesThatTrain(TrainingImages.AllButOneOfEachCell).Select(i => i.Id));
        Assert.Equal(["a1", "c1", "b1", "b2"], dataset.ImagesThatTrain(TrainingImages.FirstOfEachCell).Select(i => i.Id));
        Assert.Equal(7, dataset.ImagesThatTrain(TrainingImages.All).Count);
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
            p => { Assert.Equal("KM.SU1.99.tiff", p.File); Assert.Contains("supported format", p.Reason); },
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
        SyntheticFaces.Render(0, 2, 0, Tiny).SaveAsPng(folder.File("shots/4.png"));
        rows.Add("shots/missing.png,red,round,abc");
        rows.Add("shots/0.png,blue,round,abc");
        rows.Add("shots/4.png,,,abc");
        rows.Add("shots/4.png,,oval,abc");
        File.WriteAllLines(folder.File(DatasetReader.ManifestFileName), rows);
        var dataset = DatasetReader.Read(folder.Path);
        Assert.Equal(["colour", "shape"], dataset.Facets);
        Assert.Equal(["blue", "red, dark"], dataset.Values("colour"));
        Assert.Equal(["oval", "round", "square"], dataset.Values("shape"));
        Assert.Equal("shots~0", dataset.Images[0].Id);
        Assert.Equal(4, dataset.Images.Count);
        // An empty value leaves the image partly labelled: it trains its shape, and is no cell of the gallery.
        var partly = Assert.Single(dataset.PartlyLabelled);
        Assert.Equal(("shots~4", "oval"), (partly.Id, partly.Labels["shape"]));
        Assert.False(partly.Labels.ContainsKey("colour"));
        Assert.Contains(dataset.Problems, p => p.File == "shots/missing.png" && p.Reason.Contains("not found"));
        Assert.Contains(dataset.Problems, p => p.File == "shots/0.png" && p.Reason.Contains("listed on an earlier line too (manifest.csv line 7)"));
        Assert.Contains(dataset.Problems, p => p.File == "shots/4.png" && p.Reason.Contains("no value on any facet"));
        // A folder named with a trailing separator is the same folder, and the same source name where datasets are joined.
        var part = DatasetReader.ReadPart(folder.Path + "/");
        Assert.Equal((4, Path.GetFileName(folder.Path)), (part.Images.Count(i => i.Labels.Count == 2), part.Name));
    }

    [Fact]
    public void Joined_datasets_keep_each_image_s_values_and_train_what_they_carry_beside_the_cells_they_cannot_leak()
    {
        LabelledImage Image(string id, params (string Facet, string Value)[] labels) =>
            new(id, id, labels.ToDictionary(l => l.Facet, l => l.Value));
        var studio = new DatasetPart("studio", "/data/studio", ["person", "expression"],
            [Image("a1", ("person", "A"), ("expression", "happy")), Image("a2", ("person", "A"), ("expression", "sad")),
             Image("b1", ("person", "B"), ("expression", "happy")), Image("b2", ("person", "B"), ("expression", "sad"))], []);
        var moods = new DatasetPart("moods", "/data/moods", ["expression"],
            [Image("x", ("expression", "happy")), Image("y", ("expression", "angry"))], [new DatasetProblem("z.png", "unreadable")]);
        var identities = new DatasetPart("ids", "/data/ids", ["person", "glasses"], [Image("p", ("person", "B"), ("glasses", "yes")), Image("q", ("person", "A"), ("glasses", "no"))], []);
        // No image has a person, an expression and glasses: nothing to search or measure.
        var none = Assert.Throws<DatasetException>(() => LabelledDataset.Join([studio, moods, identities]));
        Assert.Contains("has a value on every facet (person, expression, glasses)", none.Message);
        var joined = LabelledDataset.Join([studio, moods]);
        Assert.Equal(["person", "expression"], joined.Facets);
        Assert.Equal(["studio~a1", "studio~a2", "studio~b1", "studio~b2"], joined.Images.Select(i => i.Id));
        Assert.Equal(["moods~x", "moods~y"], joined.PartlyLabelled.Select(i => i.Id));
        Assert.Equal(["angry", "happy", "sad"], joined.Values("expression"));
        Assert.Equal("moods: z.png", Assert.Single(joined.Problems).File);
        Assert.Equal([new DatasetSourceSummary("moods", 2, 0, new Dictionary<string, int> { ["person"] = 0, ["expression"] = 2 }),
                      new DatasetSourceSummary("studio", 4, 4, new Dictionary<string, int> { ["person"] = 4, ["expression"] = 4 })],
            joined.Sources(), new SummaryComparer());
        // Held out (B, happy): the happy photo of someone unnamed could be B's, so it stays out of that training.
        var withoutBHappy = joined.Images.Where(i => i.Id != "studio~b1").ToList();
        Assert.Equal(["moods~y"], joined.PartlyLabelledBeside(withoutBHappy).Select(i => i.Id));
        Assert.Equal(["moods~x", "moods~y"], joined.PartlyLabelledBeside(joined.Images).Select(i => i.Id));
        Assert.Contains("named 'studio'", Assert.Throws<DatasetException>(() => LabelledDataset.Join([studio, studio])).Message);
    }

    private sealed class SummaryComparer : IEqualityComparer<DatasetSourceSummary>
    {
        public bool Equals(DatasetSourceSummary? x, DatasetSourceSummary? y) =>
            x!.Name == y!.Name && x.Images == y.Images && x.FullyLabelled == y.FullyLabelled && x.Labelled.OrderBy(p => p.Key).SequenceEqual(y.Labelled.OrderBy(p => p.Key));

        public int GetHashCode(DatasetSourceSummary obj) => obj.Name.GetHashCode();
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

    [YaleFact]
    public void The_yale_faces_read_as_15_subjects_by_11_conditions()
    {
        var dataset = DatasetReader.Read(YaleFaces.Folder);
        Assert.Equal(["subject", "condition"], dataset.Facets);
        Assert.Equal(165, dataset.Images.Count);
        Assert.Equal(15, dataset.Values("subject").Count);
        Assert.Equal(11, dataset.Values("condition").Count);
    }

    [Fact]
    public void Every_image_is_decoded_when_read_and_one_that_cannot_be_used_is_left_out_with_its_reason()
    {
        using var folder = new TempFolder();
        SyntheticFaces.Write(folder.Path, Tiny);
        // Headers that pass a glance: an 8000x8000 PNG (over the pixel limit) and a TIFF cut inside its directory.
        File.WriteAllBytes(folder.File("AK.SU2.90.png"), HostileImages.PngHeader(8000, 8000));
        File.WriteAllBytes(folder.File("BM.SU2.92.tiff"), HostileImages.Tiff((64, 64, new byte[64 * 64]))[..12]);
        var dataset = DatasetReader.Read(folder.Path, DatasetFormat.Jaffe);
        Assert.Equal(14, dataset.Images.Count);
        Assert.Collection(dataset.Problems.OrderBy(p => p.File),
            p => { Assert.Equal("AK.SU2.90.png", p.File); Assert.Contains("8000x8000", p.Reason); },
            p => { Assert.Equal("BM.SU2.92.tiff", p.File); Assert.Contains("cannot be decoded", p.Reason); });
    }

    [Fact]
    public void A_manifest_path_that_leaves_the_folder_is_a_problem_not_an_image()
    {
        using var root = new TempFolder();
        var folder = Directory.CreateDirectory(root.File("data/set")).FullName;
        SyntheticFaces.Render(0, 0, 0, Tiny).SaveAsPng(root.File("outside.png"));
        var rows = new List<string> { "path,colour,shape" };
        for (var i = 0; i < 4; i++)
        {
            SyntheticFaces.Render(i % 2, i / 2, 0, Tiny).SaveAsPng(Path.Combine(folder, $"{i}.png"));
            rows.Add($"{i}.png,{(i % 2 == 0 ? "red" : "blue")},{(i < 2 ? "round" : "square")}");
        }
        rows.Add("../../outside.png,red,round");
        rows.Add($"{root.File("outside.png")},red,round");
        File.WriteAllLines(Path.Combine(folder, DatasetReader.ManifestFileName), rows);
        var dataset = DatasetReader.Read(folder);
        Assert.Equal(4, dataset.Images.Count);
        Assert.Equal(2, dataset.Problems.Count(p => p.Reason.Contains("leaves the dataset folder")));
    }
}
