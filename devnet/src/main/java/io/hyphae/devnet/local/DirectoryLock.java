package io.hyphae.devnet.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/** Keeps two devnet commands from starting or stopping processes in one directory at once. */
final class DirectoryLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static DirectoryLock acquire(DevnetLayout layout) {
    try {
      Files.createDirectories(layout.dir());
      FileChannel channel =
          FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new DevnetException(
            "another devnet command is working in " + layout.dir() + ": try again when it is done");
      }
      return new DirectoryLock(channel, lock);
    } catch (IOException e) {
      throw new DevnetException("cannot lock " + layout.lockFile() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock in any case.
    }
  }
}
