using System.CommandLine;
using FaceFunctions.TrainingJob.Commands;

// One class per command (Commands/), one per stage: train (the whole chain), export, evaluate, publish, activate.
var storage = new StorageArguments();
var postgres = new PostgresArguments();
var root = new RootCommand("FaceFunctions training job: learns an embedding in which facets add up.")
{
    TrainCommand.Create(storage, postgres), ExportCommand.Create(storage, postgres), EvaluateCommand.Create(storage),
    PublishCommand.Create(storage, postgres), ActivateCommand.Create(storage, postgres),
};
return await root.Parse(args).InvokeAsync();
