package io.hyphae.node.journal;

import io.hyphae.protocol.commitment.Bytes32;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link JobJournal} in one SQLite file. One connection, used only by the journal's single disk
 * thread ({@value #THREAD_NAME}), so SQLite sees one writer and no locking is needed here; WAL mode
 * with synchronous FULL makes each committed transaction durable.
 */
public final class SqliteJobJournal implements JobJournal, CommitteeJournal {

  static final String THREAD_NAME = "hyphae-journal-io";

  /** Operations waiting for the disk thread; beyond this, callers get {@link Busy}. */
  public static final int QUEUE_CAPACITY = 1024;

  /** How long one operation may wait and run before its future fails. */
  static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(SqliteJobJournal.class);

  /**
   * 1: jobs and shards. 2: adds job_data (values a restart needs: spec, assignment, outputs) and
   * chain_cursors. 3: adds committee_duties (challenges the node votes on, with its vote and salt)
   * and committee_evidence (evidence kept until the vote is journalled). An older file is migrated
   * in place by creating the tables it lacks.
   */
  private static final int SCHEMA_VERSION = 3;

  private final Path file;
  private final Clock clock;
  private final ThreadPoolExecutor executor;
  private final AtomicLong transactions = new AtomicLong();
  private Connection connection; // confined to the executor's thread

  private SqliteJobJournal(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE_CAPACITY),
            runnable -> {
              Thread thread = new Thread(runnable, THREAD_NAME);
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Opens (creating if needed) the journal in {@code file}; waits up to {@code timeout} for the
   * disk thread to open it. Call from a thread that may block (startup), never an event loop.
   *
   * @throws JournalException when the file cannot be opened as a journal
   */
  public static SqliteJobJournal open(Path file, Clock clock, Duration timeout) {
    SqliteJobJournal journal = new SqliteJobJournal(file.toAbsolutePath(), clock);
    try {
      journal.submit(journal::initialize).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return journal;
    } catch (ExecutionException e) {
      journal.close();
      throw e.getCause() instanceof JournalException je
          ? je
          : new JournalException("cannot open the journal " + file + ": " + e.getCause(), e);
    } catch (TimeoutException e) {
      journal.close();
      throw new JournalException("opening the journal " + file + " took over " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      journal.close();
      throw new JournalException("interrupted while opening the journal " + file, e);
    }
  }

  public Path file() {
    return file;
  }

  /** Operations waiting for the disk thread, for metrics. */
  public int queueDepth() {
    return executor.getQueue().size();
  }

  /** Transactions committed since opening, for metrics. */
  public long transactionsCommitted() {
    return transactions.get();
  }

  private Void initialize() throws SQLException, IOException {
    Path parent = file.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    connection = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement statement = connection.createStatement()) {
      try (ResultSet mode = statement.executeQuery("PRAGMA journal_mode=WAL")) {
        if (!mode.next() || !"wal".equalsIgnoreCase(mode.getString(1))) {
          throw new JournalException("the journal " + file + " cannot use WAL mode");
        }
      }
      statement.execute("PRAGMA synchronous=FULL");
      statement.execute("PRAGMA foreign_keys=ON");
      statement.execute("PRAGMA busy_timeout=5000");
      int version;
      try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
        version = rs.next() ? rs.getInt(1) : 0;
      }
      if (version > SCHEMA_VERSION) {
        throw new JournalException(
            "the journal "
                + file
                + " has schema version "
                + version
                + ", newer than this node's "
                + SCHEMA_VERSION);
      }
      connection.setAutoCommit(false);
      statement.execute(
          """
          CREATE TABLE IF NOT EXISTS jobs (
            chain_id INTEGER NOT NULL,
            market TEXT NOT NULL,
            job_id TEXT NOT NULL,
            state TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (chain_id, market, job_id)
          ) WITHOUT ROWID""");
      statement.execute(
          """
          CREATE TABLE IF NOT EXISTS shards (
            chain_id INTEGER NOT NULL,
            market TEXT NOT NULL,
            job_id TEXT NOT NULL,
            shard INTEGER NOT NULL,
            state TEXT NOT NULL,
            output_hash TEXT,
            PRIMARY KEY (chain_id, market, job_id, shard),
            FOREIGN KEY (chain_id, market, job_id) REFERENCES jobs ON DELETE CASCADE
          ) WITHOUT ROWID""");
      statement.execute("CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, updated_at)");
      if (version == 1) {
        LOG.debug("journal {}: schema version 1 -> 2", file);
      }
      statement.execute(
          """
          CREATE TABLE IF NOT EXISTS job_data (
            chain_id INTEGER NOT NULL,
            market TEXT NOT NULL,
            job_id TEXT NOT NULL,
            name TEXT NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (chain_id, market, job_id, name),
            FOREIGN KEY (chain_id, market, job_id) REFERENCES jobs ON DELETE CASCADE
          ) WITHOUT ROWID""");
      statement.execute(
          """
          CREATE TABLE IF NOT EXISTS chain_cursors (
            name TEXT PRIMARY KEY,
            block INTEGER NOT NULL
          ) WITHOUT ROWID""");
      if (version > 0 && version < 3) {
        LOG.debug("journal {}: schema version {} -> 3", file, version);
      }
      statement.execute(
          """
          CREATE TABLE IF NOT EXISTS committee_duties (
            chain_id INTEGER NOT NULL,
            market TEXT NOT NULL,
            challenge_id TEXT NOT NULL,
            job_id TEXT NOT NULL,
            idx INTEGER NOT NULL,
            shard INTEGER NOT NULL,
            input_leaf TEXT NOT NULL,
            output_hash TEXT NOT NULL,
            model_hash TEXT NOT NULL,
            profile_hash TEXT NOT NULL,
            challenger TEXT NOT NULL,
            commit_deadline INTEGER NOT NULL,
            reveal_deadline INTEGER NOT NULL,
            step TEXT NOT NULL,
            upheld INTEGER,
            salt TEXT,
            note TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (chain_id, market, challenge_id)
          ) WITHOUT ROWID""");
      statement.execute(
          """
          CREATE TABLE IF NOT EXISTS committee_evidence (
            chain_id INTEGER NOT NULL,
            market TEXT NOT NULL,
            challenge_id TEXT NOT NULL,
            input BLOB NOT NULL,
            output BLOB NOT NULL,
            PRIMARY KEY (chain_id, market, challenge_id),
            FOREIGN KEY (chain_id, market, challenge_id) REFERENCES committee_duties
              ON DELETE CASCADE
          ) WITHOUT ROWID""");
      statement.execute("PRAGMA user_version=" + SCHEMA_VERSION);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      closeConnection();
      throw e;
    }
    return null;
  }

  @Override
  public CompletableFuture<JobRecord> upsert(
      JobKey key, JobState state, List<Integer> shards, Map<String, byte[]> data) {
    List<Integer> requested = List.copyOf(shards);
    Map<String, byte[]> values = Map.copyOf(data);
    return transaction(
        () -> {
          JobTransitions.checkData(key, values);
          Optional<JobRecord> before = load(key);
          JobRecord after =
              store(before, JobTransitions.upsert(before, key, state, requested, now()));
          storeData(after, values);
          return after;
        });
  }

  @Override
  public CompletableFuture<JobRecord> update(
      JobKey key,
      List<ShardProgress> shards,
      Optional<JobState> newState,
      Map<String, byte[]> data) {
    List<ShardProgress> changes = List.copyOf(shards);
    Map<String, byte[]> values = Map.copyOf(data);
    return transaction(
        () -> {
          JobTransitions.checkData(key, values);
          Optional<JobRecord> before = load(key);
          JobRecord after =
              store(before, JobTransitions.update(before, key, changes, newState, now()));
          storeData(after, values);
          return after;
        });
  }

  @Override
  public CompletableFuture<Map<String, byte[]>> data(JobKey key) {
    return submit(
        () -> {
          requireOpen();
          Map<String, byte[]> out = new TreeMap<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT name, value FROM job_data"
                      + " WHERE chain_id = ? AND market = ? AND job_id = ?")) {
            bindKey(select, key, 1);
            try (ResultSet rs = select.executeQuery()) {
              while (rs.next()) {
                out.put(rs.getString(1), rs.getBytes(2));
              }
            }
          }
          return out;
        });
  }

  @Override
  public CompletableFuture<OptionalLong> cursor(String name) {
    return submit(
        () -> {
          requireOpen();
          try (PreparedStatement select =
              connection.prepareStatement("SELECT block FROM chain_cursors WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rs = select.executeQuery()) {
              return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
          }
        });
  }

  @Override
  public CompletableFuture<Void> saveCursor(String name, long block) {
    return transaction(
        () -> {
          JobTransitions.checkCursor(name, block);
          try (PreparedStatement upsert =
              connection.prepareStatement(
                  "INSERT INTO chain_cursors (name, block) VALUES (?, ?)"
                      + " ON CONFLICT (name) DO UPDATE SET block = excluded.block")) {
            upsert.setString(1, name);
            upsert.setLong(2, block);
            upsert.executeUpdate();
          }
          return null;
        });
  }

  /** Writes values for the job; a settled job's disposable values are dropped. */
  private void storeData(JobRecord job, Map<String, byte[]> values) throws SQLException {
    if (!values.isEmpty()) {
      try (PreparedStatement put =
          connection.prepareStatement(
              "INSERT INTO job_data (chain_id, market, job_id, name, value) VALUES (?, ?, ?, ?, ?)"
                  + " ON CONFLICT (chain_id, market, job_id, name)"
                  + " DO UPDATE SET value = excluded.value")) {
        for (Map.Entry<String, byte[]> e : values.entrySet()) {
          bindKey(put, job.key(), 1);
          put.setString(4, e.getKey());
          put.setBytes(5, e.getValue());
          put.addBatch();
        }
        put.executeBatch();
      }
    }
    if (job.state().isTerminal()) {
      try (PreparedStatement drop =
          connection.prepareStatement(
              "DELETE FROM job_data WHERE chain_id = ? AND market = ? AND job_id = ?"
                  + " AND substr(name, 1, ?) = ?")) {
        bindKey(drop, job.key(), 1);
        drop.setInt(4, DISPOSABLE_PREFIX.length());
        drop.setString(5, DISPOSABLE_PREFIX);
        drop.executeUpdate();
      }
    }
  }

  @Override
  public CompletableFuture<Optional<JobRecord>> find(JobKey key) {
    return submit(() -> load(key));
  }

  @Override
  public CompletableFuture<List<JobRecord>> pendingJobs(int limit) {
    if (limit <= 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("limit must be > 0"));
    }
    return submit(
        () -> {
          List<JobKey> keys = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT chain_id, market, job_id FROM jobs WHERE state NOT IN (?, ?, ?)"
                      + " ORDER BY updated_at, chain_id, market, job_id LIMIT ?")) {
            select.setString(1, JobState.FINALIZED.name());
            select.setString(2, JobState.RECLAIMED.name());
            select.setString(3, JobState.SLASHED.name());
            select.setInt(4, limit);
            try (ResultSet rs = select.executeQuery()) {
              while (rs.next()) {
                keys.add(
                    new JobKey(
                        rs.getLong(1), rs.getString(2), new BigInteger(rs.getString(3), 16)));
              }
            }
          }
          List<JobRecord> jobs = new ArrayList<>(keys.size());
          for (JobKey key : keys) {
            load(key).ifPresent(jobs::add);
          }
          return jobs;
        });
  }

  @Override
  public CompletableFuture<Integer> countPendingJobs() {
    return submit(
        () -> {
          try (PreparedStatement count =
              connection.prepareStatement(
                  "SELECT COUNT(*) FROM jobs WHERE state NOT IN (?, ?, ?)")) {
            count.setString(1, JobState.FINALIZED.name());
            count.setString(2, JobState.RECLAIMED.name());
            count.setString(3, JobState.SLASHED.name());
            try (ResultSet rs = count.executeQuery()) {
              return rs.next() ? rs.getInt(1) : 0;
            }
          }
        });
  }

  @Override
  public CompletableFuture<Boolean> forget(JobKey key) {
    return transaction(
        () -> {
          Optional<JobRecord> job = load(key);
          if (job.isEmpty()) {
            return false;
          }
          JobTransitions.checkForget(job.get());
          try (PreparedStatement delete =
              connection.prepareStatement(
                  "DELETE FROM jobs WHERE chain_id = ? AND market = ? AND job_id = ?")) {
            bindKey(delete, key, 1);
            delete.executeUpdate();
          }
          return true;
        });
  }

  // ---------------------------------------------------------------- committee duties

  @Override
  public CompletableFuture<CommitteeDuty> saveDuty(CommitteeDuty duty) {
    return transaction(
        () -> {
          CommitteeDuty.checkMove(
              loadDuty(duty.chainId(), duty.market(), duty.challengeId()), duty);
          try (PreparedStatement put =
              connection.prepareStatement(
                  "INSERT INTO committee_duties (chain_id, market, challenge_id, job_id, idx,"
                      + " shard, input_leaf, output_hash, model_hash, profile_hash, challenger,"
                      + " commit_deadline, reveal_deadline, step, upheld, salt, note, updated_at)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT (chain_id, market, challenge_id) DO UPDATE SET"
                      + " step = excluded.step, upheld = excluded.upheld, salt = excluded.salt,"
                      + " note = excluded.note, updated_at = excluded.updated_at")) {
            put.setLong(1, duty.chainId());
            put.setString(2, duty.market());
            put.setString(3, duty.challengeId().toString(16));
            put.setString(4, duty.jobId().toString(16));
            put.setInt(5, duty.index());
            put.setInt(6, duty.shard());
            put.setString(7, duty.inputLeaf().toHex());
            put.setString(8, duty.outputHash().toHex());
            put.setString(9, duty.modelHash().toHex());
            put.setString(10, duty.profileHash().toHex());
            put.setString(11, duty.challenger());
            put.setLong(12, duty.commitDeadline());
            put.setLong(13, duty.revealDeadline());
            put.setString(14, duty.step().name());
            if (duty.vote().isPresent()) {
              put.setInt(15, duty.vote().get().upheld() ? 1 : 0);
              put.setString(16, duty.vote().get().salt().toHex());
            } else {
              put.setNull(15, java.sql.Types.INTEGER);
              put.setNull(16, java.sql.Types.VARCHAR);
            }
            put.setString(17, duty.note());
            put.setLong(18, now().toEpochMilli());
            put.executeUpdate();
          }
          if (duty.step() != CommitteeDuty.Step.OPEN) {
            try (PreparedStatement drop =
                connection.prepareStatement(
                    "DELETE FROM committee_evidence"
                        + " WHERE chain_id = ? AND market = ? AND challenge_id = ?")) {
              drop.setLong(1, duty.chainId());
              drop.setString(2, duty.market());
              drop.setString(3, duty.challengeId().toString(16));
              drop.executeUpdate();
            }
          }
          return duty;
        });
  }

  @Override
  public CompletableFuture<Optional<CommitteeDuty>> duty(
      long chainId, String market, BigInteger challengeId) {
    return submit(() -> loadDuty(chainId, market.toLowerCase(java.util.Locale.ROOT), challengeId));
  }

  @Override
  public CompletableFuture<List<CommitteeDuty>> openDuties(int limit) {
    if (limit <= 0) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("limit must be > 0"));
    }
    return submit(
        () -> {
          requireOpen();
          List<CommitteeDuty> out = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT "
                      + DUTY_COLUMNS
                      + " FROM committee_duties WHERE step <> ?"
                      + " ORDER BY commit_deadline, chain_id, market, challenge_id LIMIT ?")) {
            select.setString(1, CommitteeDuty.Step.DONE.name());
            select.setInt(2, limit);
            try (ResultSet rs = select.executeQuery()) {
              while (rs.next()) {
                out.add(duty(rs));
              }
            }
          }
          return out;
        });
  }

  @Override
  public CompletableFuture<Void> saveEvidence(
      long chainId, String market, BigInteger challengeId, byte[] input, byte[] output) {
    byte[] in = input.clone();
    byte[] out = output.clone();
    String m = market.toLowerCase(java.util.Locale.ROOT);
    return transaction(
        () -> {
          if (loadDuty(chainId, m, challengeId).isEmpty()) {
            throw new JournalException.NotFound("no committee duty for challenge " + challengeId);
          }
          try (PreparedStatement put =
              connection.prepareStatement(
                  "INSERT INTO committee_evidence (chain_id, market, challenge_id, input, output)"
                      + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chain_id, market, challenge_id)"
                      + " DO UPDATE SET input = excluded.input, output = excluded.output")) {
            put.setLong(1, chainId);
            put.setString(2, m);
            put.setString(3, challengeId.toString(16));
            put.setBytes(4, in);
            put.setBytes(5, out);
            put.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<Optional<StoredEvidence>> evidence(
      long chainId, String market, BigInteger challengeId) {
    String m = market.toLowerCase(java.util.Locale.ROOT);
    return submit(
        () -> {
          requireOpen();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT input, output FROM committee_evidence"
                      + " WHERE chain_id = ? AND market = ? AND challenge_id = ?")) {
            select.setLong(1, chainId);
            select.setString(2, m);
            select.setString(3, challengeId.toString(16));
            try (ResultSet rs = select.executeQuery()) {
              return rs.next()
                  ? Optional.of(new StoredEvidence(rs.getBytes(1), rs.getBytes(2)))
                  : Optional.empty();
            }
          }
        });
  }

  private static final String DUTY_COLUMNS =
      "chain_id, market, challenge_id, job_id, idx, shard, input_leaf, output_hash, model_hash,"
          + " profile_hash, challenger, commit_deadline, reveal_deadline, step, upheld, salt, note";

  private Optional<CommitteeDuty> loadDuty(long chainId, String market, BigInteger challengeId)
      throws SQLException {
    requireOpen();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT "
                + DUTY_COLUMNS
                + " FROM committee_duties"
                + " WHERE chain_id = ? AND market = ? AND challenge_id = ?")) {
      select.setLong(1, chainId);
      select.setString(2, market);
      select.setString(3, challengeId.toString(16));
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? Optional.of(duty(rs)) : Optional.empty();
      }
    }
  }

  private static CommitteeDuty duty(ResultSet rs) throws SQLException {
    int upheld = rs.getInt(15);
    boolean hasVote = !rs.wasNull();
    String salt = rs.getString(16);
    return new CommitteeDuty(
        rs.getLong(1),
        rs.getString(2),
        new BigInteger(rs.getString(3), 16),
        new BigInteger(rs.getString(4), 16),
        rs.getInt(5),
        rs.getInt(6),
        Bytes32.fromHex(rs.getString(7)),
        Bytes32.fromHex(rs.getString(8)),
        Bytes32.fromHex(rs.getString(9)),
        Bytes32.fromHex(rs.getString(10)),
        rs.getString(11),
        rs.getLong(12),
        rs.getLong(13),
        CommitteeDuty.Step.valueOf(rs.getString(14)),
        hasVote && salt != null
            ? Optional.of(new CommitteeDuty.Vote(upheld == 1, Bytes32.fromHex(salt)))
            : Optional.empty(),
        rs.getString(17));
  }

  @Override
  public void close() {
    if (executor.isShutdown()) {
      return;
    }
    try {
      executor.execute(this::closeConnection);
    } catch (RejectedExecutionException full) {
      LOG.warn("journal queue full at close; closing after the queued operations");
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(OPERATION_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        LOG.warn("journal operations still running after {}; stopping them", OPERATION_TIMEOUT);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
    if (connection != null && executor.isTerminated()) {
      closeConnection();
    }
  }

  // ---- on the disk thread from here on ----

  private interface Work<T> {
    T run() throws SQLException, IOException;
  }

  private <T> CompletableFuture<T> submit(Work<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(work.run());
            } catch (JournalException e) {
              result.completeExceptionally(e);
            } catch (SQLException | IOException | RuntimeException e) {
              result.completeExceptionally(
                  new JournalException("journal " + file + ": " + e.getMessage(), e));
            }
          });
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          executor.isShutdown()
              ? new JournalException("the journal is closed")
              : new JournalException.Busy(
                  "the journal has " + QUEUE_CAPACITY + " operations queued; try again later"));
    }
    return result.orTimeout(OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
  private <T> CompletableFuture<T> transaction(Work<T> work) {
    return submit(
        () -> {
          requireOpen();
          try {
            T value = work.run();
            connection.commit();
            transactions.incrementAndGet();
            return value;
          } catch (SQLException | IOException | RuntimeException e) {
            try {
              connection.rollback();
            } catch (SQLException rollback) {
              e.addSuppressed(rollback);
            }
            throw e;
          }
        });
  }

  private void requireOpen() {
    if (connection == null) {
      throw new JournalException("the journal is closed");
    }
  }

  /** The time stored with a change: milliseconds, as the table keeps it. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** Writes the difference between {@code before} and {@code after}; returns {@code after}. */
  private JobRecord store(Optional<JobRecord> before, JobRecord after) throws SQLException {
    if (before.isPresent() && before.get() == after) {
      return after;
    }
    try (PreparedStatement job =
        connection.prepareStatement(
            "INSERT INTO jobs (chain_id, market, job_id, state, updated_at) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (chain_id, market, job_id)"
                + " DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at")) {
      bindKey(job, after.key(), 1);
      job.setString(4, after.state().name());
      job.setLong(5, after.updatedAt().toEpochMilli());
      job.executeUpdate();
    }
    List<ShardProgress> old = before.map(JobRecord::shards).orElse(List.of());
    try (PreparedStatement shard =
        connection.prepareStatement(
            "INSERT INTO shards (chain_id, market, job_id, shard, state, output_hash)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chain_id, market, job_id, shard)"
                + " DO UPDATE SET state = excluded.state, output_hash = excluded.output_hash")) {
      boolean any = false;
      for (ShardProgress progress : after.shards()) {
        if (old.contains(progress)) {
          continue;
        }
        bindKey(shard, after.key(), 1);
        shard.setInt(4, progress.shard());
        shard.setString(5, progress.state().name());
        shard.setString(6, progress.outputHash().orElse(null));
        shard.addBatch();
        any = true;
      }
      if (any) {
        shard.executeBatch();
      }
    }
    return after;
  }

  private Optional<JobRecord> load(JobKey key) throws SQLException {
    requireOpen();
    JobState state;
    Instant updatedAt;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT state, updated_at FROM jobs WHERE chain_id = ? AND market = ? AND job_id = ?")) {
      bindKey(select, key, 1);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        state = JobState.valueOf(rs.getString(1));
        updatedAt = Instant.ofEpochMilli(rs.getLong(2));
      }
    }
    List<ShardProgress> shards = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT shard, state, output_hash FROM shards"
                + " WHERE chain_id = ? AND market = ? AND job_id = ? ORDER BY shard")) {
      bindKey(select, key, 1);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          shards.add(
              new ShardProgress(
                  rs.getInt(1),
                  ShardState.valueOf(rs.getString(2)),
                  Optional.ofNullable(rs.getString(3))));
        }
      }
    }
    return Optional.of(new JobRecord(key, state, shards, updatedAt));
  }

  private static void bindKey(PreparedStatement statement, JobKey key, int first)
      throws SQLException {
    statement.setLong(first, key.chainId());
    statement.setString(first + 1, key.market());
    statement.setString(first + 2, key.jobIdHex());
  }

  private Void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.warn("closing the journal {}: {}", file, e.getMessage());
      }
      connection = null;
    }
    return null;
  }
}
