import GatehouseHTTP
import GatehouseLambda

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Swift concurrency on NIO's event loops: the handler continues on the thread that read the
// event instead of hopping to the cooperative pool and back.
EventLoopExecutor.installAsGlobal()
exit(await LambdaMain.run())
