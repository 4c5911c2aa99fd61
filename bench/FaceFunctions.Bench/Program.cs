using FaceFunctions.Bench;

// dotnet run -c Release --project bench/FaceFunctions.Bench -- index [exactCount exactDims hnswCount hnswDims]
// dotnet run -c Release --project bench/FaceFunctions.Bench -- serving MODEL_FOLDER
// dotnet run -c Release --project bench/FaceFunctions.Bench -- intake MODEL_FOLDER [concurrency] [output.json]
// dotnet run -c Release --project bench/FaceFunctions.Bench -- phones OUTPUT.json MODEL_FOLDER...
// dotnet run -c Release --project bench/FaceFunctions.Bench -- gallery MODEL_FOLDER OUTPUT_PREFIX
// dotnet run -c Release --project bench/FaceFunctions.Bench -- pgvector clustered|model COUNT DIMENSIONS OUTPUT_PREFIX [MODEL_FOLDER]
// dotnet run -c Release --project bench/FaceFunctions.Bench -- pgvector-gallery MODEL_FOLDER ROWS HEAP_LIMIT_MB OUTPUT_PREFIX
// dotnet run -c Release --project bench/FaceFunctions.Bench -- flood MODEL_FOLDER FLOODING_CONNECTIONS OUTPUT_PREFIX
// dotnet run -c Release --project bench/FaceFunctions.Bench -- accuracy-chart OUTPUT_PREFIX RUNS_PREFIX... (bench/results/drawn-issue44-all-128 ...)
switch (args.FirstOrDefault())
{
    case "index":
        int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i]) : fallback;
        IndexBench.Run(Arg(1, 100_000), Arg(2, 512), Arg(3, 1_000_000), Arg(4, 128), Console.Out);
        return 0;
    case "serving" when args.Length > 1:
        return await ServingBench.RunAsync(args[1], Console.Out);
    case "intake" when args.Length > 1:
        return await IntakeBench.RunAsync(args[1], args.Length > 2 ? int.Parse(args[2]) : 8,
            args.Length > 3 ? args[3] : "bench/results-intake/memory.json", Console.Out);
    case "phones" when args.Length > 2:
        return await PhoneBench.RunAsync(args[2..], args[1], Console.Out);
    case "gallery" when args.Length > 2:
        return await GalleryBench.RunAsync(args[1], args[2], Console.Out);
    case "pgvector" when args.Length > 4:
        return await PgVectorBench.RunAsync(args[1], int.Parse(args[2]), int.Parse(args[3]), args.Length > 5 ? args[5] : null, args[4], Console.Out);
    case "pgvector-gallery" when args.Length > 4:
        return await PgVectorGalleryBench.RunAsync(args[1], int.Parse(args[2]), int.Parse(args[3]), args[4], Console.Out);
    case "flood" when args.Length > 3:
        return await FloodBench.RunAsync(args[1], int.Parse(args[2]), args[3], Console.Out);
    case "accuracy-chart" when args.Length > 2:
        return AccuracyChart.Run(args[1], args[2..], Console.Out);
    default:
        Console.Error.WriteLine("usage: index [exactCount exactDims hnswCount hnswDims] | serving MODEL_FOLDER | intake MODEL_FOLDER [concurrency] [output.json] | phones OUTPUT.json MODEL_FOLDER... | gallery MODEL_FOLDER OUTPUT_PREFIX | pgvector clustered|model COUNT DIMENSIONS OUTPUT_PREFIX [MODEL_FOLDER] | pgvector-gallery MODEL_FOLDER ROWS HEAP_LIMIT_MB OUTPUT_PREFIX | flood MODEL_FOLDER FLOODING_CONNECTIONS OUTPUT_PREFIX | accuracy-chart OUTPUT_PREFIX RUNS_PREFIX...");
        return 2;
}
