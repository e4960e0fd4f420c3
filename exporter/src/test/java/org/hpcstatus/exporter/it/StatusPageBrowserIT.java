package org.hpcstatus.exporter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.hpcstatus.exporter.ConfigLoader;
import org.hpcstatus.exporter.Exporter;
import org.hpcstatus.exporter.core.CommandRunner;
import org.hpcstatus.exporter.core.SelfMetrics;
import org.hpcstatus.exporter.testing.Live;
import org.hpcstatus.exporter.web.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The status page in a real browser (Debian's chromium, driven through /usr/bin/chromedriver; no
 * Selenium Manager download), served by the real exporter wiring over the live Slurm testbed, with a
 * private Mosquitto this test starts and stops itself (never the shared one).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusPageBrowserIT {
  static final Path CHROMIUM = Path.of(System.getProperty("hpcstatus.it.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
  static final String TOKEN = "browser-it-token-0123456789";
  static final Path OUT = Path.of("target/status-page-it");

  static Path dir;
  static int mqttPort;
  static Path mqttConf;
  static Process broker;
  static Exporter exporter;
  static WebServer server;
  static String base;
  static WebDriver browser;

  @BeforeAll
  static void setUp() throws Exception {
    Live.require(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER + "; scripts/ci-test.sh installs them)");
    Live.require(Files.isExecutable(MOSQUITTO), "mosquitto binary " + MOSQUITTO);
    boolean slurm;
    try {
      slurm = new CommandRunner(null, Duration.ofSeconds(10), 1 << 20, new SelfMetrics())
          .run("ping", List.of("scontrol", "ping"), true).stdout().contains("is UP");
    } catch (Exception e) {
      slurm = false;
    }
    Live.require(slurm, "a live Slurm testbed (scripts/slurm-testbed.sh up)");
    Files.createDirectories(OUT);
    dir = Files.createTempDirectory("status-browser-it");
    mqttPort = freePort();
    mqttConf = dir.resolve("mosquitto.conf");
    Files.writeString(mqttConf, "listener " + mqttPort + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
    dir.toFile().setReadable(true, false);
    dir.toFile().setExecutable(true, false);
    mqttConf.toFile().setReadable(true, false);
    broker = startBroker();
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes()));
    String yaml = """
        accounting: {enabled: false}
        status:
          state_dir: %s
          outages_token_sha256: "sha256:%s"
        services:
          - {name: mqtt-private, kind: mqtt, target: "tcp://127.0.0.1:%d", interval: 1s, timeout: 800ms,
             failure_threshold: 1, sys_topics: false}
        """.formatted(dir.resolve("state"), hash, mqttPort);
    exporter = new Exporter(ConfigLoader.parse(yaml), new PrometheusRegistry());
    server = exporter.serve("127.0.0.1", 0);
    exporter.start();
    base = "http://127.0.0.1:" + server.port() + "/";
    browser = new ChromeDriver(driverService("chromedriver.log"), options(true));
  }

  /** Our chromedriver binary, never one Selenium Manager would download; quit() stops it. */
  static ChromeDriverService driverService(String log) {
    return new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
        .withLogFile(OUT.resolve(log).toFile()).build();
  }

  static ChromeOptions options(boolean javascript) {
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1280,1700", "--user-data-dir=" + dir.resolve(javascript ? "profile-js" : "profile-nojs"));
    if (!javascript) {
      o.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
    }
    return o;
  }

  @AfterAll
  static void tearDown() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (exporter != null) {
      exporter.close();
    }
    if (broker != null) {
      broker.destroyForcibly();
    }
  }

  @Test
  @Order(1)
  void pageShowsTheGridAndTheClusterTab() throws Exception {
    browser.get(base);
    assertThat(browser.getTitle()).startsWith("Status:");
    waitFor(() -> state("mqtt-private").equals("up"), 30_000, "mqtt-private shown up");
    // live updates replace parts of the page while we look: a stale element means look again
    unstale(() -> {
      WebElement grid = browser.findElement(By.cssSelector("#services ul.grid"));
      assertThat(grid.findElements(By.cssSelector("li.tile"))).isNotEmpty();
      WebElement tab = browser.findElement(By.cssSelector("[role=tab]"));
      assertThat(tab.isDisplayed()).isTrue();
      assertThat(tab.getText()).contains("testbed");
      assertThat(tab.getAttribute("aria-selected")).isEqualTo("true");
      WebElement panel = browser.findElement(By.id("panel-testbed"));
      assertThat(panel.isDisplayed()).isTrue();
      assertThat(panel.getText()).contains("Controller", "Partitions");
      assertThat(tile("mqtt-private").getText()).contains("Operational");
    });
    screenshot("status-page.png");

    // readable on a phone: nothing wider than the screen but the tables, which scroll inside their box
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
    try {
      Object overflow = ((JavascriptExecutor) browser).executeScript(
          "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
      assertThat(((Number) overflow).longValue()).as("horizontal overflow at 390 px").isLessThanOrEqualTo(0);
      screenshot("status-page-phone.png");
    } finally {
      browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1700));
    }
  }

  @Test
  @Order(2)
  void stoppingTheBrokerTurnsItsTileRedWithoutReloadAndRestartingGreen() throws Exception {
    browser.get(base);
    waitFor(() -> state("mqtt-private").equals("up"), 30_000, "mqtt-private up before the stop");
    ((JavascriptExecutor) browser).executeScript("window.__noReload = 42;");
    broker.destroy();
    broker.waitFor();
    long stopped = System.nanoTime();
    waitFor(() -> state("mqtt-private").equals("down"), 30_000, "mqtt-private shown down after the stop");
    double downMs = (System.nanoTime() - stopped) / 1e6;
    // the first failure is the broker dropping the check's connection or refusing a new one
    unstale(() -> assertThat(tile("mqtt-private").getText()).contains("Down", "Failure:"));
    assertThat(((JavascriptExecutor) browser).executeScript("return window.__noReload;")).isEqualTo(42L);
    screenshot("status-page-down.png");

    broker = startBroker();
    long restarted = System.nanoTime();
    waitFor(() -> state("mqtt-private").equals("up"), 30_000, "mqtt-private shown up after the restart");
    double upMs = (System.nanoTime() - restarted) / 1e6;
    assertThat(((JavascriptExecutor) browser).executeScript("return window.__noReload;")).isEqualTo(42L);
    String line = String.format(java.util.Locale.ROOT,
        "browser saw mosquitto stop after %.0f ms, restart after %.0f ms (check interval 1 s)%n", downMs, upMs);
    System.out.print(line);
    Files.writeString(OUT.resolve("delays.txt"), line, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    // the bar: red within 2 s of the stop (recorded above; asserted here with the deadline it names)
    assertThat(downMs).as("stop seen in the browser within 2 s").isLessThan(2000);
  }

  @Test
  @Order(3)
  void aPostedOutageAppearsLive() throws Exception {
    browser.get(base);
    ((JavascriptExecutor) browser).executeScript("window.__noReload = 7;");
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "api/v1/outages"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString("{\"service\":\"mqtt-private\",\"severity\":\"partial\","
            + "\"title\":\"Broker <upgrade> ✓\",\"description\":\"Messages may be delayed.\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(201);
    String id = new ObjectMapper().readTree(r.body()).get("id").asText();
    waitFor(() -> !browser.findElements(By.cssSelector("[data-outage='" + id + "']")).isEmpty(), 30_000,
        "the posted outage on the page");
    unstale(() -> {
      WebElement o = browser.findElement(By.cssSelector("[data-outage='" + id + "']"));
      assertThat(o.getText()).contains("Broker <upgrade> ✓", "Partial outage");
      assertThat(tile("mqtt-private").getText()).contains("Partial outage: Broker <upgrade> ✓");
    });
    assertThat(((JavascriptExecutor) browser).executeScript("return window.__noReload;")).isEqualTo(7L);
    screenshot("status-page-outage.png");
  }

  @Test
  @Order(4)
  void thePageRendersWithJavaScriptDisabled() throws Exception {
    WebDriver noJs = new ChromeDriver(driverService("chromedriver-nojs.log"), options(false));
    try {
      noJs.get(base);
      assertThat(noJs.findElement(By.id("overall")).getText()).isNotBlank();
      assertThat(noJs.findElements(By.cssSelector("[data-service='mqtt-private']"))).hasSize(1);
      // no script: the tab list stays hidden and every cluster panel is shown in turn
      assertThat(noJs.findElement(By.cssSelector("[role=tablist]")).isDisplayed()).isFalse();
      assertThat(noJs.findElement(By.id("panel-testbed")).isDisplayed()).isTrue();
      assertThat(noJs.findElement(By.id("conn")).getText()).contains("reload for newer");
      Files.write(OUT.resolve("status-page-nojs.png"), ((TakesScreenshot) noJs).getScreenshotAs(OutputType.BYTES));
    } finally {
      noJs.quit();
    }
  }

  static WebElement tile(String service) {
    return browser.findElement(By.cssSelector("[data-service='" + service + "']"));
  }

  static String state(String service) {
    try {
      List<WebElement> t = browser.findElements(By.cssSelector("[data-service='" + service + "']"));
      return t.isEmpty() ? "" : t.get(0).getAttribute("data-state");
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      return ""; // replaced by a live update while we looked: look again
    }
  }

  static void screenshot(String name) throws IOException {
    Files.write(OUT.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  interface Cond {
    boolean ok() throws Exception;
  }

  interface Checks {
    void run() throws Exception;
  }

  /**
   * Runs {@code checks} again (with fresh elements) when a live update replaced an element they held;
   * anything else, an assertion error included, fails at once. Gives up after 50 stale tries.
   */
  static void unstale(Checks checks) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        checks.run();
        return;
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        if (attempt >= 50) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  static void waitFor(Cond c, long millis, String what) throws Exception {
    long until = System.nanoTime() + millis * 1_000_000L;
    while (!c.ok()) {
      if (System.nanoTime() > until) {
        screenshot("failed-" + what.replaceAll("[^a-z0-9]+", "-") + ".png");
        throw new AssertionError("not " + what + " within " + millis + " ms");
      }
      Thread.sleep(20);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static boolean portOpen(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static Process startBroker() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(MOSQUITTO.toString(), "-c", mqttConf.toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile())).start();
    long until = System.nanoTime() + 10_000_000_000L;
    while (!portOpen(mqttPort)) {
      if (!p.isAlive() || System.nanoTime() > until) {
        throw new AssertionError("private mosquitto did not start: " + Files.readString(dir.resolve("mosquitto.log")));
      }
      Thread.sleep(20);
    }
    return p;
  }
}
