using System.CommandLine;
using FaceFunctions.TrainingJob.Datasets;

namespace FaceFunctions.TrainingJob.Commands;

/// <summary>The dataset options of train and evaluate.</summary>
internal sealed class DatasetArguments
{
    public Option<string[]> Data { get; } = new("--data")
    {
        Description = "Dataset folder, blob:CONTAINER/FOLDER in the storage account, or \"synthetic\" for the drawn faces. " +
                      "Repeat it to join several datasets: each trains the facets it has values on; images with a value on every facet are the gallery.",
        Required = true, Arity = ArgumentArity.OneOrMore,
    };
    public Option<DatasetFormat> Format { get; } = new("--format")
        { Description = "Dataset layout of every --data: Auto, Jaffe, Yale or Manifest.", DefaultValueFactory = _ => DatasetFormat.Auto };
    public Option<int> Seed { get; } = new("--seed") { DefaultValueFactory = _ => 1 };
    public Option<int> Persons { get; } = new("--synthetic-persons") { Description = "Identities to draw with --data synthetic.", DefaultValueFactory = _ => 8 };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Data, Format, Seed, Persons })
            command.Options.Add(option);
    }

    public SyntheticFacesOptions Synthetic(ParseResult result) => new() { Persons = result.GetValue(Persons), Seed = result.GetValue(Seed) };
}
