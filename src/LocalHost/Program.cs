using FaceFunctions.LocalHost;

await LocalApiHost.Build(args).RunAsync();
