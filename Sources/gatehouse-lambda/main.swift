import GatehouseComposition
import GatehouseHTTP
import Logging
import NIOPosix

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

let environment = ProcessInfo.processInfo.environment
LoggingSystem.bootstrap(LogSetup.lambda(environment: environment).handler)
// One event at a time: the whole function runs on one event loop (its HTTP client's too), so
// the handler continues on the thread that read the event instead of hopping between threads.
let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
let status = await withTaskExecutorPreference(EventLoopTaskExecutor(eventLoop)) {
    await LambdaMain.run(environment: environment, eventLoop: eventLoop, logger: Logger(label: "gatehouse"))
}
exit(status)
