package io.hyphae.node.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.hyphae.node.model.Model;
import io.hyphae.node.model.ModelException;
import io.hyphae.node.model.ModelRegistry;
import io.hyphae.node.model.ModelTask;
import io.hyphae.node.model.OnnxSignature;
import io.hyphae.protocol.commitment.Bytes32;
import io.hyphae.protocol.commitment.CommitmentFormatException;
import io.hyphae.protocol.commitment.ShardCodec;
import io.hyphae.protocol.commitment.ShardInput;
import io.hyphae.protocol.commitment.ShardLeaves;
import io.hyphae.protocol.commitment.ShardOutput;
import io.hyphae.protocol.commitment.Tensor;
import io.hyphae.protocol.commitment.TensorRow;
import io.hyphae.protocol.commitment.TensorType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX Runtime engine. A shard is admitted if fewer than {@code maxPendingShards} are queued or
 * running (else it fails at once with {@code BUSY}); it is then cut into chunks of rows that run on
 * a fixed pool of one thread per core, each driving a single-threaded ONNX Runtime session, so one
 * large shard uses every core and several shards share them. Sessions and tokenizers are created
 * once per model and profile and kept until {@link #close()}.
 */
public final class OnnxInferenceEngine implements InferenceEngine {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxInferenceEngine.class);
  private static final List<String> TEXT_INPUTS =
      List.of("input_ids", "attention_mask", "token_type_ids");

  private final ModelRegistry registry;
  private final EngineConfig config;
  private final OrtEnvironment env;
  private final ThreadPoolExecutor pool;

  /** Fires shard timeouts; one daemon thread, cancelled timers removed at once. */
  private final ScheduledThreadPoolExecutor timer;

  private final AtomicInteger pending = new AtomicInteger();

  /** Admitted shards not yet completed (at most maxPendingShards), failed at close(). */
  private final Set<ShardTask> active = ConcurrentHashMap.newKeySet();

  private final Map<SessionKey, LoadedSession> sessions = new HashMap<>();
  private final Map<Bytes32, HuggingFaceTokenizer> tokenizers = new HashMap<>();
  private final boolean cudaAvailable;
  private volatile boolean closed;

  public OnnxInferenceEngine(ModelRegistry registry, EngineConfig config) {
    this.registry = registry;
    this.config = config;
    NativeLibraries.configureDjlCache();
    this.env = OrtEnvironment.getEnvironment();
    this.cudaAvailable = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    // Each admitted shard queues at most 2 * workers chunks plus its preparation.
    int queueCapacity = config.maxPendingShards() * (2 * config.workers() + 1);
    AtomicInteger threadNumber = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "inference-" + threadNumber.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.pool =
        new ThreadPoolExecutor(
            config.workers(),
            config.workers(),
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queueCapacity),
            threads,
            new ThreadPoolExecutor.AbortPolicy());
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "inference-timeouts");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
  }

  /** The ONNX Runtime version loaded (profiles may pin it). */
  public String ortVersion() {
    return env.getVersion();
  }

  /** Whether ONNX Runtime on the class path has the CUDA provider (the {@code -Pcuda} build). */
  public boolean cudaAvailable() {
    return cudaAvailable;
  }

  public EngineConfig config() {
    return config;
  }

  /** Shards admitted and not yet completed. */
  public int pendingShards() {
    return pending.get();
  }

  @Override
  public List<ExecutionProfile> profiles() {
    List<ExecutionProfile> profiles = new ArrayList<>();
    for (ExecutionProfile profile : ExecutionProfile.KNOWN) {
      if (unsupported(profile) == null) {
        profiles.add(profile);
      }
    }
    return List.copyOf(profiles);
  }

  /** Why this engine cannot honour {@code profile}, or null if it can. */
  private String unsupported(ExecutionProfile profile) {
    if (!ExecutionProfile.KNOWN.contains(profile)) {
      return "unknown execution profile " + profile.name() + " " + profile.hash();
    }
    if (!profile.ortVersion().equals("any") && !profile.ortVersion().equals(env.getVersion())) {
      return profile.name()
          + " pins ONNX Runtime "
          + profile.ortVersion()
          + " but "
          + env.getVersion()
          + " is loaded";
    }
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      return "this engine needs a little-endian machine";
    }
    // CUDA profiles fall back to the CPU, so they are always runnable.
    return null;
  }

  /** Decodes canonical shard input bytes, then submits; bad bytes fail as INVALID_INPUT. */
  public RunningShard submitEncoded(
      Bytes32 model,
      ExecutionProfile profile,
      long shardIndex,
      byte[] canonicalInput,
      InferenceOptions options) {
    ShardInput input;
    try {
      input = ShardCodec.decodeInput(canonicalInput);
    } catch (CommitmentFormatException e) {
      return failed(
          new InferenceException(
              InferenceException.Reason.INVALID_INPUT, "bad shard input: " + e.getMessage()));
    }
    return submit(new ShardRequest(model, profile, shardIndex, input, options));
  }

  @Override
  public RunningShard submit(ShardRequest request) {
    if (closed) {
      return failed(
          new InferenceException(InferenceException.Reason.BUSY, "the engine is shut down"));
    }
    if (pending.incrementAndGet() > config.maxPendingShards()) {
      pending.decrementAndGet();
      return failed(
          new InferenceException(
              InferenceException.Reason.BUSY,
              "busy: " + config.maxPendingShards() + " shards already queued or running"));
    }
    ShardTask task = new ShardTask(request);
    active.add(task);
    task.future.whenComplete((result, error) -> active.remove(task));
    try {
      ScheduledFuture<?> timeout =
          timer.schedule(
              () ->
                  task.abort(
                      new InferenceException(
                          InferenceException.Reason.TIMED_OUT,
                          "the shard took longer than " + request.options().timeout())),
              request.options().timeout().toMillis(),
              TimeUnit.MILLISECONDS);
      task.future.whenComplete((result, error) -> timeout.cancel(false));
    } catch (RejectedExecutionException e) {
      // close() ran since the check above; the pool rejects the preparation too.
      task.abort(new InferenceException(InferenceException.Reason.BUSY, "the engine is shut down"));
    }
    if (!task.schedule(() -> prepare(task))) {
      task.chunkDone();
    }
    return task;
  }

  // ---- preparation: model, session, tokens, chunks ----

  private void prepare(ShardTask task) {
    try {
      if (task.cancelled.get()) {
        return;
      }
      ShardRequest request = task.request;
      String why = unsupported(request.profile());
      if (why != null) {
        throw new InferenceException(InferenceException.Reason.PROFILE_UNAVAILABLE, why);
      }
      int rows = request.input().rowCount();
      if (rows == 0) {
        throw new InferenceException(InferenceException.Reason.INVALID_INPUT, "the shard is empty");
      }
      if (rows > config.maxRowsPerShard()) {
        throw new InferenceException(
            InferenceException.Reason.INVALID_INPUT,
            "the shard has " + rows + " rows, at most " + config.maxRowsPerShard());
      }
      Model model;
      try {
        model = registry.require(request.model());
      } catch (ModelException e) {
        throw new InferenceException(
            InferenceException.Reason.MODEL_UNAVAILABLE, -1, e.getMessage(), e);
      }
      LoadedSession session = session(model, request.profile());
      task.device = session.device;
      switch (request.input()) {
        case ShardInput.Texts texts -> prepareTexts(task, model, session, texts.rows());
        case ShardInput.Tensors tensors -> prepareTensors(task, model, session, tensors.rows());
      }
    } catch (InferenceException e) {
      task.abort(e);
    } catch (RuntimeException e) {
      LOG.error("inference preparation failed", e);
      task.abort(
          new InferenceException(
              InferenceException.Reason.RUNTIME_ERROR, -1, "internal error: " + e, e));
    } finally {
      task.chunkDone();
    }
  }

  private void prepareTexts(ShardTask task, Model model, LoadedSession session, List<String> rows)
      throws InferenceException {
    if (model.manifest().task() != ModelTask.EMBED) {
      throw new InferenceException(
          InferenceException.Reason.INVALID_INPUT,
          "model "
              + model.name()
              + " takes tensors, not texts (task "
              + model.manifest().task()
              + ")");
    }
    for (int i = 0; i < rows.size(); i++) {
      String row = rows.get(i);
      if (row.isBlank()) {
        throw InferenceException.invalidRow(i, "is empty");
      }
      if (!validUnicode(row)) {
        throw InferenceException.invalidRow(i, "is not valid Unicode (an unpaired surrogate)");
      }
    }
    Encoding[] encodings = tokenizer(model).batchEncode(rows);
    List<Integer> truncated = new ArrayList<>();
    for (int i = 0; i < encodings.length; i++) {
      if (encodings[i].exceedMaxLength()) {
        if (task.request.options().overLength() == InferenceOptions.OverLength.REJECT) {
          throw InferenceException.invalidRow(
              i,
              "is longer than the model's "
                  + model.manifest().maxTokens()
                  + " tokens (pass the truncate option to cut it)");
        }
        truncated.add(i);
      }
    }
    task.truncated = truncated;
    float[][] vectors = new float[rows.size()][];
    task.assemble = () -> new ShardOutput.Embeddings(vectors[0].length, Arrays.asList(vectors));
    List<int[]> chunks = new ArrayList<>();
    int maxBatch = task.request.profile().maxBatch();
    if (maxBatch == 1) {
      // Each row alone: contiguous ranges, a few per worker for balance.
      for (int[] range : ranges(rows.size(), 2 * config.workers())) {
        chunks.add(range);
      }
      task.start(
          chunks,
          range -> {
            for (int row = range[0]; row < range[1]; row++) {
              task.checkNotCancelled();
              embedBatch(task, session, model, encodings, new int[] {row}, vectors);
            }
          });
    } else {
      // Sorted by length so that a batch pads little; positions restored on output.
      Integer[] order = new Integer[rows.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
      List<int[]> batches = new ArrayList<>();
      for (int start = 0; start < order.length; start += maxBatch) {
        int end = Math.min(order.length, start + maxBatch);
        int[] batch = new int[end - start];
        for (int j = start; j < end; j++) {
          batch[j - start] = order[j];
        }
        batches.add(batch);
      }
      // At most 2 chunks per worker, each a run of batches, so that the pool queue stays bounded.
      for (int[] range : ranges(batches.size(), 2 * config.workers())) {
        chunks.add(range);
      }
      task.start(
          chunks,
          range -> {
            for (int b = range[0]; b < range[1]; b++) {
              task.checkNotCancelled();
              embedBatch(task, session, model, encodings, batches.get(b), vectors);
            }
          });
    }
  }

  private void prepareTensors(
      ShardTask task, Model model, LoadedSession session, List<TensorRow> rows)
      throws InferenceException {
    for (int i = 0; i < rows.size(); i++) {
      checkTensorRow(i, rows.get(i), session.signature);
    }
    TensorRow[] outputs = new TensorRow[rows.size()];
    task.truncated = List.of();
    task.assemble = () -> new ShardOutput.Tensors(Arrays.asList(outputs));
    task.start(
        ranges(rows.size(), 2 * config.workers()),
        range -> {
          for (int row = range[0]; row < range[1]; row++) {
            task.checkNotCancelled();
            outputs[row] = runTensorRow(task, session, row, rows.get(row));
          }
        });
  }

  /** Names, element types and shapes of a row's tensors against the model's inputs. */
  static void checkTensorRow(int row, TensorRow input, OnnxSignature signature)
      throws InferenceException {
    for (Tensor tensor : input.tensors()) {
      OnnxSignature.Spec spec = signature.inputs().get(tensor.name());
      if (spec == null) {
        throw InferenceException.invalidRow(
            row,
            "the model has no input tensor '"
                + tensor.name()
                + "' (its inputs: "
                + new TreeSet<>(signature.inputs().keySet())
                + ")");
      }
      String expectedType = spec.type();
      String actualType = javaType(tensor.type()).name();
      if (!expectedType.equals(actualType)) {
        throw InferenceException.invalidRow(
            row,
            "tensor '"
                + tensor.name()
                + "' is "
                + tensor.type()
                + ", the model wants "
                + expectedType);
      }
      long[] want = spec.shape();
      long[] have = tensor.shape();
      boolean fits = want.length == have.length;
      for (int d = 0; fits && d < want.length; d++) {
        fits = want[d] < 0 || want[d] == have[d];
      }
      if (!fits) {
        throw InferenceException.invalidRow(
            row,
            "tensor '"
                + tensor.name()
                + "' has shape "
                + Arrays.toString(have)
                + ", the model wants "
                + Arrays.toString(want)
                + " (-1: any size)");
      }
    }
    for (String name : signature.inputs().keySet()) {
      if (input.tensor(name).isEmpty()) {
        throw InferenceException.invalidRow(row, "the input tensor '" + name + "' is missing");
      }
    }
  }

  // ---- running ----

  private void embedBatch(
      ShardTask task,
      LoadedSession session,
      Model model,
      Encoding[] encodings,
      int[] rows,
      float[][] vectors)
      throws InferenceException {
    int seq = 0;
    for (int row : rows) {
      seq = Math.max(seq, encodings[row].getIds().length);
    }
    int batch = rows.length;
    long[] ids = new long[batch * seq];
    long[] mask = new long[batch * seq];
    long[] types = new long[batch * seq];
    for (int b = 0; b < batch; b++) {
      Encoding e = encodings[rows[b]];
      System.arraycopy(e.getIds(), 0, ids, b * seq, e.getIds().length);
      System.arraycopy(e.getAttentionMask(), 0, mask, b * seq, e.getAttentionMask().length);
      System.arraycopy(e.getTypeIds(), 0, types, b * seq, e.getTypeIds().length);
    }
    long[] shape = {batch, seq};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    String outputName = model.manifest().output();
    try {
      Map<String, long[]> data =
          Map.of(TEXT_INPUTS.get(0), ids, TEXT_INPUTS.get(1), mask, TEXT_INPUTS.get(2), types);
      for (String name : TEXT_INPUTS) {
        if (session.signature.inputs().containsKey(name)) {
          inputs.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(data.get(name)), shape));
        }
      }
      try (OrtSession.Result result = task.run(session.session, inputs, Set.of(outputName))) {
        OnnxTensor hidden = (OnnxTensor) result.get(outputName).orElseThrow();
        long[] outShape = hidden.getInfo().getShape();
        if (outShape.length != 3 || outShape[0] != batch || outShape[1] != seq) {
          throw new InferenceException(
              InferenceException.Reason.RUNTIME_ERROR,
              "output '"
                  + outputName
                  + "' has shape "
                  + Arrays.toString(outShape)
                  + ", expected [batch, tokens, dim]");
        }
        int dim = (int) outShape[2];
        FloatBuffer values = hidden.getFloatBuffer();
        for (int b = 0; b < batch; b++) {
          long[] rowMask = Arrays.copyOfRange(mask, b * seq, (b + 1) * seq);
          vectors[rows[b]] =
              Pooler.pool(
                  values,
                  b,
                  seq,
                  dim,
                  rowMask,
                  model.manifest().pooling(),
                  model.manifest().normalize());
        }
      }
    } catch (OrtException e) {
      throw task.runtimeFailure(rows[0], e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private TensorRow runTensorRow(ShardTask task, LoadedSession session, int row, TensorRow input)
      throws InferenceException {
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      for (Tensor tensor : input.tensors()) {
        byte[] data = tensor.data();
        ByteBuffer buffer = ByteBuffer.allocateDirect(data.length).order(ByteOrder.nativeOrder());
        buffer.put(data).flip();
        inputs.put(
            tensor.name(),
            OnnxTensor.createTensor(env, buffer, tensor.shape(), javaType(tensor.type())));
      }
      try (OrtSession.Result result = task.run(session.session, inputs, session.outputNames)) {
        List<Tensor> outputs = new ArrayList<>();
        for (Map.Entry<String, OnnxValue> entry : result) {
          if (!(entry.getValue() instanceof OnnxTensor out)) {
            throw InferenceException.invalidRow(
                row,
                "output '"
                    + entry.getKey()
                    + "' is not a tensor (maps and sequences are not supported)");
          }
          TensorType type = tensorType(out.getInfo().type, entry.getKey());
          ByteBuffer bytes = out.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
          byte[] raw = new byte[bytes.remaining()];
          bytes.get(raw);
          outputs.add(new Tensor(entry.getKey(), type, out.getInfo().getShape(), raw));
        }
        return new TensorRow(outputs);
      }
    } catch (OrtException e) {
      throw task.runtimeFailure(row, e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  static OnnxJavaType javaType(TensorType type) {
    return switch (type) {
      case FLOAT32 -> OnnxJavaType.FLOAT;
      case FLOAT64 -> OnnxJavaType.DOUBLE;
      case INT8 -> OnnxJavaType.INT8;
      case UINT8 -> OnnxJavaType.UINT8;
      case INT32 -> OnnxJavaType.INT32;
      case INT64 -> OnnxJavaType.INT64;
      case BOOL -> OnnxJavaType.BOOL;
    };
  }

  private static TensorType tensorType(OnnxJavaType type, String name) throws InferenceException {
    return switch (type) {
      case FLOAT -> TensorType.FLOAT32;
      case DOUBLE -> TensorType.FLOAT64;
      case INT8 -> TensorType.INT8;
      case UINT8 -> TensorType.UINT8;
      case INT32 -> TensorType.INT32;
      case INT64 -> TensorType.INT64;
      case BOOL -> TensorType.BOOL;
      default ->
          throw new InferenceException(
              InferenceException.Reason.INVALID_INPUT,
              "output '" + name + "' has element type " + type + ", which shards cannot carry");
    };
  }

  private static boolean validUnicode(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Splits {@code n} rows into at most {@code parts} contiguous [start, end) ranges. */
  private static List<int[]> ranges(int n, int parts) {
    int count = Math.min(n, parts);
    List<int[]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(new int[] {(int) ((long) n * i / count), (int) ((long) n * (i + 1) / count)});
    }
    return out;
  }

  // ---- sessions and tokenizers, one per model and profile ----

  private record SessionKey(Bytes32 model, ExecutionProfile.Device device, String optimization) {}

  private record LoadedSession(
      OrtSession session, OnnxSignature signature, Set<String> outputNames, String device) {}

  private synchronized LoadedSession session(Model model, ExecutionProfile profile)
      throws InferenceException {
    if (closed) {
      throw new InferenceException(InferenceException.Reason.BUSY, "the engine is shut down");
    }
    SessionKey key = new SessionKey(model.id(), profile.device(), profile.optimization());
    LoadedSession loaded = sessions.get(key);
    if (loaded != null) {
      return loaded;
    }
    String device = "cpu";
    try {
      OrtSession session = null;
      if (profile.device() == ExecutionProfile.Device.CUDA) {
        if (!cudaAvailable) {
          device = "cpu (fallback: this ONNX Runtime build has no CUDA provider)";
        } else {
          try (OrtSession.SessionOptions options = options(profile)) {
            options.addCUDA(config.cudaDevice());
            session = env.createSession(model.onnx(), options);
            device = "cuda:" + config.cudaDevice();
          } catch (OrtException e) {
            device = "cpu (fallback: CUDA failed: " + e.getMessage() + ")";
          }
        }
        if (session == null) {
          LOG.info("{} runs on the {}", profile.name(), device);
        }
      }
      if (session == null) {
        try (OrtSession.SessionOptions options = options(profile)) {
          session = env.createSession(model.onnx(), options);
        }
      }
      OnnxSignature signature = OnnxSignature.of(session);
      loaded =
          new LoadedSession(
              session, signature, new TreeSet<>(signature.outputs().keySet()), device);
    } catch (OrtException e) {
      throw new InferenceException(
          InferenceException.Reason.MODEL_UNAVAILABLE,
          -1,
          "ONNX Runtime cannot load model " + model.name() + ": " + e.getMessage(),
          e);
    }
    sessions.put(key, loaded);
    return loaded;
  }

  private OrtSession.SessionOptions options(ExecutionProfile profile) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      // Parallelism comes from running chunks on every worker; one thread per run (the default)
      // keeps the cores busy without oversubscription.
      options.setIntraOpNumThreads(config.intraOpThreads());
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(
          profile.optimization().equals("basic")
              ? OrtSession.SessionOptions.OptLevel.BASIC_OPT
              : OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (profile.exact()) {
        options.setDeterministicCompute(true);
      }
      return options;
    } catch (OrtException e) {
      options.close();
      throw e;
    }
  }

  private synchronized HuggingFaceTokenizer tokenizer(Model model) throws InferenceException {
    HuggingFaceTokenizer tokenizer = tokenizers.get(model.id());
    if (tokenizer != null) {
      return tokenizer;
    }
    if (model.tokenizer().isEmpty()) {
      throw new InferenceException(
          InferenceException.Reason.MODEL_UNAVAILABLE,
          "model " + model.name() + " has no tokenizer");
    }
    Map<String, String> options = new LinkedHashMap<>();
    options.put("addSpecialTokens", "true");
    options.put("padding", "false");
    options.put("truncation", "true");
    options.put("maxLength", Integer.toString(model.manifest().maxTokens()));
    try {
      tokenizer =
          HuggingFaceTokenizer.newInstance(
              new ByteArrayInputStream(model.tokenizer().get()), options);
    } catch (IOException | RuntimeException e) {
      throw new InferenceException(
          InferenceException.Reason.MODEL_UNAVAILABLE,
          -1,
          "cannot load the tokenizer of " + model.name() + ": " + e.getMessage(),
          e);
    }
    tokenizers.put(model.id(), tokenizer);
    return tokenizer;
  }

  /** Stops the workers, cancels what is queued and frees the sessions. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    // Queued chunks are dropped below and would never finish their shards: fail them now.
    InferenceException shutDown =
        new InferenceException(InferenceException.Reason.BUSY, "the engine is shut down");
    for (ShardTask task : active) {
      task.abort(shutDown);
      task.future.completeExceptionally(shutDown);
    }
    pool.shutdownNow();
    timer.shutdownNow();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("inference workers did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      for (LoadedSession s : sessions.values()) {
        try {
          s.session.close();
        } catch (OrtException e) {
          LOG.warn("closing a session: {}", e.getMessage());
        }
      }
      sessions.clear();
      tokenizers.values().forEach(HuggingFaceTokenizer::close);
      tokenizers.clear();
    }
  }

  private static RunningShard failed(InferenceException e) {
    CompletableFuture<ShardResult> future = CompletableFuture.failedFuture(e);
    return new RunningShard() {
      @Override
      public CompletableFuture<ShardResult> result() {
        return future;
      }

      @Override
      public boolean cancel() {
        return false;
      }
    };
  }

  /** Work on a chunk of rows; may throw a typed failure. */
  @FunctionalInterface
  private interface ChunkWork<T> {
    void run(T chunk) throws InferenceException;
  }

  /** One admitted shard: its chunks, its in-flight ONNX Runtime runs and its result. */
  private final class ShardTask implements RunningShard {
    final ShardRequest request;
    final CompletableFuture<ShardResult> future = new CompletableFuture<>();
    final AtomicBoolean cancelled = new AtomicBoolean();
    final AtomicReference<InferenceException> failure = new AtomicReference<>();
    final Set<OrtSession.RunOptions> inFlight = new HashSet<>();

    /** Chunks not yet finished, the preparation step included; at 0 the admission is released. */
    final AtomicInteger outstanding = new AtomicInteger(1);

    final AtomicBoolean released = new AtomicBoolean();
    final long startNanos = System.nanoTime();
    volatile String device = "cpu";
    volatile List<Integer> truncated = List.of();
    volatile Supplier<ShardOutput> assemble;

    ShardTask(ShardRequest request) {
      this.request = request;
    }

    @Override
    public CompletableFuture<ShardResult> result() {
      return future;
    }

    @Override
    public boolean cancel() {
      return !future.isDone()
          && abort(
              new InferenceException(
                  InferenceException.Reason.CANCELLED, "the shard was cancelled"));
    }

    /**
     * Fails the shard (the first failure wins) and stops its running and queued chunks; the result
     * completes once they have all stopped, so a completed shard holds no worker.
     */
    boolean abort(InferenceException reason) {
      if (!failure.compareAndSet(null, reason)) {
        return false;
      }
      cancelled.set(true);
      synchronized (inFlight) {
        for (OrtSession.RunOptions options : inFlight) {
          try {
            options.setTerminate(true);
          } catch (OrtException e) {
            LOG.debug("cannot terminate a run: {}", e.getMessage());
          }
        }
      }
      return true;
    }

    void checkNotCancelled() throws InferenceException {
      if (cancelled.get()) {
        throw new InferenceException(InferenceException.Reason.CANCELLED, "cancelled");
      }
    }

    <T> void start(List<T> chunks, ChunkWork<T> work) {
      outstanding.addAndGet(chunks.size());
      for (T chunk : chunks) {
        if (!schedule(() -> runChunk(chunk, work))) {
          chunkDone();
        }
      }
    }

    private <T> void runChunk(T chunk, ChunkWork<T> work) {
      try {
        if (!cancelled.get()) {
          work.run(chunk);
        }
      } catch (InferenceException e) {
        abort(e);
      } catch (RuntimeException e) {
        LOG.error("inference chunk failed", e);
        abort(
            new InferenceException(
                InferenceException.Reason.RUNTIME_ERROR, -1, "internal error: " + e, e));
      } finally {
        chunkDone();
      }
    }

    /** Queues work on the pool; false (and the shard failed busy) if the queue is full. */
    boolean schedule(Runnable work) {
      try {
        pool.execute(work);
        return true;
      } catch (RejectedExecutionException e) {
        abort(
            new InferenceException(
                InferenceException.Reason.BUSY, "busy: the inference queue is full"));
        return false;
      }
    }

    void chunkDone() {
      if (outstanding.decrementAndGet() != 0) {
        return;
      }
      ShardResult result = null;
      try {
        if (failure.get() == null) {
          ShardOutput output = assemble.get();
          result =
              new ShardResult(
                  output,
                  ShardLeaves.outputHash(output),
                  truncated,
                  device,
                  Duration.ofNanos(System.nanoTime() - startNanos));
        }
      } catch (RuntimeException e) {
        LOG.error("assembling a shard output failed", e);
        abort(
            new InferenceException(
                InferenceException.Reason.RUNTIME_ERROR, -1, "internal error: " + e, e));
      }
      // Release the admission first: whoever sees the result may submit again at once.
      release();
      if (result != null) {
        future.complete(result);
      } else {
        future.completeExceptionally(failure.get());
      }
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        pending.decrementAndGet();
      }
    }

    /** Runs the session with a terminate handle registered, so that cancel() can stop it. */
    OrtSession.Result run(OrtSession session, Map<String, OnnxTensor> inputs, Set<String> outputs)
        throws OrtException, InferenceException {
      OrtSession.RunOptions options = new OrtSession.RunOptions();
      synchronized (inFlight) {
        inFlight.add(options);
      }
      try {
        // A cancel() that raced past the registration above is seen here.
        checkNotCancelled();
        return session.run(inputs, outputs, options);
      } finally {
        // Under the lock, so that abort() never touches closed options.
        synchronized (inFlight) {
          inFlight.remove(options);
          options.close();
        }
      }
    }

    InferenceException runtimeFailure(int row, OrtException e) {
      if (cancelled.get()) {
        return new InferenceException(InferenceException.Reason.CANCELLED, "cancelled");
      }
      return new InferenceException(
          InferenceException.Reason.RUNTIME_ERROR,
          row,
          "ONNX Runtime failed on row " + row + ": " + e.getMessage(),
          e);
    }
  }

  /** Unwraps the typed failure of a shard future. */
  public static InferenceException failure(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof InferenceException e) {
      return e;
    }
    return new InferenceException(
        InferenceException.Reason.RUNTIME_ERROR, -1, String.valueOf(cause), cause);
  }
}
