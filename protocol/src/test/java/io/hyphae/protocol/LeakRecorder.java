package io.hyphae.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Records every buffer leak Netty's (paranoid) detector reports, so tests can assert there were
 * none. Installed before any test class loads (registered as a JUnit launcher session listener in
 * META-INF/services), because Netty creates its detectors once, on first use.
 */
public final class LeakRecorder implements LauncherSessionListener {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    install();
  }

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    install();
  }

  private static void install() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new Factory());
  }

  /** Runs the GC and allocates so that pending leak reports come out, then lists them. */
  public static List<String> collect() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(50); // test code: gives the reference queue time to fill
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (int j = 0; j < 100; j++) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(16);
        b.release();
      }
    }
    return new ArrayList<>(LEAKS);
  }

  /** Forgets what was recorded (after a test that leaks on purpose). */
  public static void clear() {
    LEAKS.clear();
  }

  private static final class Factory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation") // the abstract method Netty still declares
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return newResourceLeakDetector(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval) {
      return new ResourceLeakDetector<T>(resource, samplingInterval) {
        @Override
        protected void reportTracedLeak(String resourceType, String records) {
          LEAKS.add(resourceType + records);
          super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
          LEAKS.add(resourceType);
          super.reportUntracedLeak(resourceType);
        }
      };
    }
  }
}
