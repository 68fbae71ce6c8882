package io.hyphae.devnet.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hyphae.node.inference.EngineConfig;
import io.hyphae.node.inference.ExecutionProfile;
import io.hyphae.node.inference.NativeLibraries;
import io.hyphae.node.inference.OnnxInferenceEngine;
import io.hyphae.node.inference.ShardRequest;
import io.hyphae.node.inference.ShardResult;
import io.hyphae.node.model.Model;
import io.hyphae.node.model.ModelRegistry;
import io.hyphae.protocol.commitment.ShardInput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hyphae bench inference}: raw ONNX Runtime (batch 32, all cores) against the engine with
 * cpu-det-v1 and cpu-fast on the default model, on the same sentences.
 */
@Command(
    name = "inference",
    mixinStandardHelpOptions = true,
    description =
        "Measures rows/s of raw ONNX Runtime (batch 32, all cores) and of the engine's cpu-det-v1"
            + " and cpu-fast profiles, with per-row latency and memory.")
public final class InferenceBench implements Callable<Integer> {
  @Option(names = "--rows", description = "Rows per throughput run (default ${DEFAULT-VALUE}).")
  int rows = 1024;

  @Option(
      names = "--latency-samples",
      description = "Single-row shards timed for latency (default ${DEFAULT-VALUE}).")
  int latencySamples = 200;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Sentences of varied length, like a real embedding job; rows cycle through them. */
  static final List<String> SENTENCES =
      List.of(
          "A man is eating food.",
          "The new movie is awesome.",
          "A woman is slicing an onion in a small kitchen before the guests arrive.",
          "Mycelium networks connect the roots of trees across a forest floor.",
          "What is the capital of France?",
          "Decentralized markets let anyone with spare compute sell inference to anyone who needs"
              + " it, settling payments on chain after a challenge window.",
          "The quick brown fox jumps over the lazy dog.",
          "GPU prices fell sharply last quarter.",
          "Please summarise the attached report in three bullet points for the board meeting"
              + " tomorrow morning, focusing on revenue and risks.",
          "I love this phone, but the battery life could be better.",
          "Two dogs are playing in the snow.",
          "Quantum computers may one day break today's public-key cryptography, so migration to"
              + " post-quantum schemes has started.",
          "How do I reset my password?",
          "The train to Zürich leaves at 7:42 from platform 3.",
          "Embeddings map sentences to vectors whose distances reflect meaning.",
          "Rain is expected over the weekend in most northern regions, with strong winds on the"
              + " coast and snow above 1500 metres.");

  static List<String> rows(int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(SENTENCES.get(i % SENTENCES.size()) + " (" + i + ")");
    }
    return out;
  }

  @Override
  public Integer call() throws Exception {
    NativeLibraries.configureDjlCache();
    int cores = Runtime.getRuntime().availableProcessors();
    ModelRegistry registry = new ModelRegistry();
    Model model = registry.loadBuiltIn(ModelRegistry.DEFAULT_MODEL);
    List<String> texts = rows(rows);

    rawOrt(model, rows(Math.min(rows, 256)), cores); // warm-up
    RawRun raw = rawOrt(model, texts, cores);
    double rawRowsPerSecond = raw.rowsPerSecond();

    Map<String, ObjectNode> engineResults = new HashMap<>();
    ObjectMapper mapper = new ObjectMapper();
    try (OnnxInferenceEngine engine = new OnnxInferenceEngine(registry, EngineConfig.defaults())) {
      for (ExecutionProfile profile :
          List.of(ExecutionProfile.CPU_DET_V1, ExecutionProfile.CPU_FAST)) {
        run(engine, model, profile, rows(Math.min(rows, 256))); // warm-up
        long start = System.nanoTime();
        run(engine, model, profile, texts);
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] latencies = new long[latencySamples];
        for (int i = 0; i < latencySamples; i++) {
          long t0 = System.nanoTime();
          run(engine, model, profile, List.of(SENTENCES.get(i % SENTENCES.size())));
          latencies[i] = System.nanoTime() - t0;
        }
        Arrays.sort(latencies);
        ObjectNode node = mapper.createObjectNode();
        double rowsPerSecond = texts.size() / seconds;
        node.put("rowsPerSecond", round(rowsPerSecond));
        node.put("ofRawOrt", round(rowsPerSecond / rawRowsPerSecond));
        node.put("p50LatencyMs", round(latencies[latencySamples / 2] / 1e6));
        node.put("p99LatencyMs", round(latencies[(int) (latencySamples * 0.99)] / 1e6));
        engineResults.put(profile.name(), node);
      }
    }
    Runtime rt = Runtime.getRuntime();
    long heapUsed = rt.totalMemory() - rt.freeMemory();
    long rss = residentBytes();

    ObjectNode root = mapper.createObjectNode();
    root.put("date", LocalDate.now(ZoneOffset.UTC).toString());
    root.put("model", model.name());
    root.put("modelHash", model.id().toHex());
    root.put("onnxRuntime", OrtEnvironment.getEnvironment().getVersion());
    root.put("cores", cores);
    root.put("rows", texts.size());
    // Cost grows with tokens per row: these make figures from other inputs comparable.
    root.put("meanTokensPerRow", round(raw.meanTokens()));
    root.put("rawPaddedTokensPerRow", round(raw.meanPaddedTokens()));
    root.putObject("rawOrt")
        .put("batch", 32)
        .put("threads", cores)
        .put("rowsPerSecond", round(rawRowsPerSecond));
    engineResults.forEach(root::set);
    root.put("heapUsedMiB", heapUsed / (1 << 20));
    root.put("residentMiB", rss / (1 << 20));

    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(mapper.writeValueAsString(root));
    } else {
      out.printf(
          "%s on ONNX Runtime %s, %d cores, %d rows%n",
          model.name(), root.get("onnxRuntime").asText(), cores, texts.size());
      out.printf(
          "%.1f tokens per row on average; raw batches padded to %.1f tokens per row%n",
          raw.meanTokens(), raw.meanPaddedTokens());
      out.printf("%-34s %10s %8s %10s %10s%n", "", "rows/s", "of raw", "p50 ms", "p99 ms");
      out.printf(
          "%-34s %10.1f %8s %10s %10s%n",
          "raw ORT (batch 32, all cores)", rawRowsPerSecond, "100%", "", "");
      for (String name : List.of("cpu-det-v1", "cpu-fast")) {
        ObjectNode n = engineResults.get(name);
        out.printf(
            "%-34s %10.1f %7.0f%% %10.2f %10.2f%n",
            "engine " + name,
            n.get("rowsPerSecond").asDouble(),
            100 * n.get("ofRawOrt").asDouble(),
            n.get("p50LatencyMs").asDouble(),
            n.get("p99LatencyMs").asDouble());
      }
      out.printf("memory: heap used %d MiB, resident %d MiB%n", heapUsed >> 20, rss >> 20);
    }
    out.flush();
    return 0;
  }

  private static void run(
      OnnxInferenceEngine engine, Model model, ExecutionProfile profile, List<String> texts)
      throws Exception {
    ShardResult result =
        engine
            .submit(ShardRequest.of(model.id(), profile, new ShardInput.Texts(0, texts)))
            .result()
            .get(10, TimeUnit.MINUTES);
    if (result.output().rowCount() != texts.size()) {
      throw new IllegalStateException("wrong row count");
    }
  }

  /**
   * Plain ONNX Runtime as an application would use it: one session with default threading (all
   * cores), batches of 32 in input order padded to their longest row, tokenisation and mean pooling
   * included.
   */
  static RawRun rawOrt(Model model, List<String> texts, int cores) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, String> tokenizerOptions =
        Map.of(
            "addSpecialTokens", "true",
            "padding", "false",
            "truncation", "true",
            "maxLength", Integer.toString(model.manifest().maxTokens()));
    try (HuggingFaceTokenizer tokenizer =
            HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(model.tokenizer().orElseThrow()), tokenizerOptions);
        OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(cores);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      try (OrtSession session = env.createSession(model.onnx(), options)) {
        long start = System.nanoTime();
        long tokens = 0;
        long paddedTokens = 0;
        for (int from = 0; from < texts.size(); from += 32) {
          List<String> batch = texts.subList(from, Math.min(texts.size(), from + 32));
          Encoding[] enc = tokenizer.batchEncode(batch);
          int seq = 0;
          for (Encoding e : enc) {
            seq = Math.max(seq, e.getIds().length);
            tokens += e.getIds().length;
          }
          paddedTokens += (long) seq * batch.size();
          long[] ids = new long[batch.size() * seq];
          long[] mask = new long[ids.length];
          long[] types = new long[ids.length];
          for (int b = 0; b < enc.length; b++) {
            System.arraycopy(enc[b].getIds(), 0, ids, b * seq, enc[b].getIds().length);
            System.arraycopy(
                enc[b].getAttentionMask(), 0, mask, b * seq, enc[b].getAttentionMask().length);
          }
          long[] shape = {batch.size(), seq};
          try (OnnxTensor t1 = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
              OnnxTensor t2 = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
              OnnxTensor t3 = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
              OrtSession.Result r =
                  session.run(
                      Map.of("input_ids", t1, "attention_mask", t2, "token_type_ids", t3))) {
            FloatBuffer hidden = ((OnnxTensor) r.get(0)).getFloatBuffer();
            int dim = hidden.remaining() / (batch.size() * seq);
            float[] pooled = new float[dim];
            for (int b = 0; b < batch.size(); b++) {
              Arrays.fill(pooled, 0);
              for (int t = 0; t < seq; t++) {
                if (mask[b * seq + t] != 0) {
                  for (int d = 0; d < dim; d++) {
                    pooled[d] += hidden.get((b * seq + t) * dim + d);
                  }
                }
              }
            }
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new RawRun(
            texts.size() / seconds,
            tokens / (double) texts.size(),
            paddedTokens / (double) texts.size());
      }
    }
  }

  /** Raw ONNX Runtime's throughput and the token counts it ran on. */
  record RawRun(double rowsPerSecond, double meanTokens, double meanPaddedTokens) {}

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
