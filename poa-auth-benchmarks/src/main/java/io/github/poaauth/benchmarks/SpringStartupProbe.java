package io.github.poaauth.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JVM that {@link StarterStartupHarness} starts for each run: starts a Spring Boot
 * application with or without poa-auth's auto-configurations, prints its start-up figures on one
 * line of stdout, closes it and exits.
 *
 * <pre>
 * java -cp APP_CLASSPATH:poa-auth-benchmarks.jar io.github.poaauth.benchmarks.SpringStartupProbe
 *     with|without APPLICATION_CLASS [SPRING_ARGUMENTS...]
 * </pre>
 *
 * <p>{@code without} adds {@code --spring.autoconfigure.exclude=} every auto-configuration of
 * {@code io.github.poaauth} that the classpath's {@code AutoConfiguration.imports} files list;
 * both modes read those files before the clock starts, so the two runs differ in that argument
 * only. The line is {@code startup-probe key=value...}: {@code started-ms} and {@code ready-ms}
 * are Spring's own {@code getTimeTaken()} of {@code ApplicationStartedEvent} (what its "Started
 * ... in X seconds" log line reports) and {@code ApplicationReadyEvent}, both from the start of
 * {@code SpringApplication.run}; {@code jvm-ready-ms} is the JVM's uptime when {@code run}
 * returned; {@code main-cpu-ms} is the CPU time of the thread that ran it and
 * {@code process-cpu-ms} that of the whole JVM (compiler and GC threads too) by then, which
 * other processes disturb less than elapsed time; {@code heap-bytes} is the heap in use after
 * {@code System.gc()}, with metaspace, all non-heap pools and the loaded classes beside it;
 * {@code poa-providers} counts {@code PoaTokenProvider} beans and {@code beans} names every bean
 * definition, so that the harness can check and show what the two modes differ in.
 *
 * <p>Spring is reached by reflection so that this module does not depend on it: the
 * application's classpath, given on the command line, brings it.
 */
public final class SpringStartupProbe {
  static final String LINE_PREFIX = "startup-probe ";
  private static final String IMPORTS =
      "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";
  private static final String STARTER_PACKAGE = "io.github.poaauth.";

  private SpringStartupProbe() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || !(args[0].equals("with") || args[0].equals("without"))) {
      throw new IllegalArgumentException(
          "usage: SpringStartupProbe with|without APPLICATION_CLASS [SPRING_ARGUMENTS...]");
    }
    ClassLoader loader = SpringStartupProbe.class.getClassLoader();
    List<String> starter = starterAutoConfigurations(loader);
    if (starter.isEmpty()) {
      throw new IllegalStateException("no io.github.poaauth auto-configuration on the classpath");
    }
    List<String> springArgs = new ArrayList<>(Arrays.asList(args).subList(2, args.length));
    if (args[0].equals("without")) {
      springArgs.add("--spring.autoconfigure.exclude=" + String.join(",", starter));
    }

    Class<?> springApplication = Class.forName("org.springframework.boot.SpringApplication");
    Class<?> applicationClass = Class.forName(args[1], false, loader);
    Object application = springApplication.getConstructor(Class[].class)
        .newInstance((Object) new Class<?>[] {applicationClass});
    // Spring would otherwise take this class, the one with main(), for the application's.
    springApplication.getMethod("setMainApplicationClass", Class.class)
        .invoke(application, applicationClass);
    Map<String, Duration> timeTaken = new ConcurrentHashMap<>();
    Class<?> listenerType = Class.forName("org.springframework.context.ApplicationListener");
    Object listeners = Array.newInstance(listenerType, 1);
    Array.set(listeners, 0, Proxy.newProxyInstance(loader, new Class<?>[] {listenerType},
        (proxy, method, methodArgs) -> onEvent(proxy, method, methodArgs, timeTaken)));
    springApplication.getMethod("addListeners", listeners.getClass())
        .invoke(application, listeners);

    Object context = springApplication.getMethod("run", String[].class)
        .invoke(application, (Object) springArgs.toArray(String[]::new));
    long jvmReadyMs = ManagementFactory.getRuntimeMXBean().getUptime();
    long mainCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    long processCpuNanos = ((com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();

    Class<?> provider = Class.forName("io.github.poaauth.client.PoaTokenProvider", false, loader);
    Class<?> listableBeanFactory =
        Class.forName("org.springframework.beans.factory.ListableBeanFactory");
    int providers = ((String[]) listableBeanFactory.getMethod("getBeanNamesForType", Class.class)
        .invoke(context, provider)).length;
    String[] beans =
        (String[]) listableBeanFactory.getMethod("getBeanDefinitionNames").invoke(context);

    System.gc();
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long nonHeap = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.NON_HEAP)
        .mapToLong(pool -> pool.getUsage().getUsed()).sum();
    long metaspace = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getName().equals("Metaspace"))
        .mapToLong(pool -> pool.getUsage().getUsed()).sum();
    int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();

    System.out.println(LINE_PREFIX + "mode=" + args[0]
        + " started-ms=" + millis(timeTaken.get("ApplicationStartedEvent"))
        + " ready-ms=" + millis(timeTaken.get("ApplicationReadyEvent"))
        + " jvm-ready-ms=" + jvmReadyMs
        + " main-cpu-ms=" + mainCpuNanos / 1e6 + " process-cpu-ms=" + processCpuNanos / 1e6
        + " heap-bytes=" + heap + " metaspace-bytes=" + metaspace + " non-heap-bytes=" + nonHeap
        + " classes=" + classes + " poa-providers=" + providers
        + " beans=" + String.join(",", beans));
    ((AutoCloseable) context).close();
    System.exit(0);
  }

  /** The auto-configurations of poa-auth that the classpath's imports files list. */
  static List<String> starterAutoConfigurations(ClassLoader loader) throws IOException {
    List<String> names = new ArrayList<>();
    Enumeration<URL> files = loader.getResources(IMPORTS);
    while (files.hasMoreElements()) {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(
          files.nextElement().openStream(), StandardCharsets.UTF_8))) {
        in.lines().map(String::strip)
            .filter(line -> line.startsWith(STARTER_PACKAGE))
            .forEach(names::add);
      }
    }
    return names;
  }

  /** The listener: records the two events' {@code getTimeTaken()}, answers Object's methods. */
  private static Object onEvent(Object proxy, Method method, Object[] args,
      Map<String, Duration> timeTaken) throws Throwable {
    switch (method.getName()) {
      case "onApplicationEvent" -> {
        String event = args[0].getClass().getSimpleName();
        if (event.equals("ApplicationStartedEvent") || event.equals("ApplicationReadyEvent")) {
          timeTaken.put(event, (Duration) args[0].getClass().getMethod("getTimeTaken")
              .invoke(args[0]));
        }
        return null;
      }
      case "equals" -> {
        return proxy == args[0];
      }
      case "hashCode" -> {
        return System.identityHashCode(proxy);
      }
      case "toString" -> {
        return "SpringStartupProbe's listener";
      }
      default -> {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
    }
  }

  private static String millis(Duration duration) {
    return duration == null ? "NaN" : String.valueOf(duration.toNanos() / 1e6);
  }
}
