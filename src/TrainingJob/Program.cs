using System.CommandLine;
using FaceFunctions.TrainingJob.Commands;

// One class per command (Commands/); the storage options are shared by all three, the PostgreSQL ones by train and activate.
var storage = new StorageArguments();
var postgres = new PostgresArguments();
var root = new RootCommand("FaceFunctions training job: learns an embedding in which facets add up.")
{
    TrainCommand.Create(storage, postgres), EvaluateCommand.Create(storage), ActivateCommand.Create(storage, postgres),
};
return await root.Parse(args).InvokeAsync();
