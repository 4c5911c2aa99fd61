using System.CommandLine;
using FaceFunctions.TrainingJob.Commands;

// One class per command (Commands/); the storage options are shared by all three.
var storage = new StorageArguments();
var root = new RootCommand("FaceFunctions training job: learns an embedding in which facets add up.")
{
    TrainCommand.Create(storage), EvaluateCommand.Create(storage), ActivateCommand.Create(storage),
};
return await root.Parse(args).InvokeAsync();
