using System.Runtime.InteropServices;

namespace FaceFunctions.TrainingJob.Training;

/// <summary>
/// glibc mmaps large activations and returns them to the kernel after every step, so each step faults them in again;
/// kept in the heap, they are faulted in once. The training benchmarks (bench/accuracy.sh) run with it.
/// </summary>
public static class NativeMemory
{
    private const int MallocTrimThreshold = -1;
    private const int MallocMmapMax = -4;
    private static int _applied;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    public static void KeepLargeAllocationsInHeap()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _applied, 1) == 1) return;
        // mallopt answers 0 where the C library refuses a setting: training then runs as fast as glibc's defaults allow.
        _ = MallOpt(MallocMmapMax, 0);
        _ = MallOpt(MallocTrimThreshold, int.MaxValue);
    }
}
