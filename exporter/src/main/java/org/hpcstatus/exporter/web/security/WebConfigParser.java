package org.hpcstatus.exporter.web.security;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.config.ConfigException;

/**
 * Parses a web-config file with exporter-toolkit's rules (unknown keys are errors, as with Go's strict
 * YAML decoding, so a file accepted here is also accepted by {@code promtool check web-config}). Pure:
 * it reads no certificate files ({@link TlsMaterial} does). Every error is a {@link ConfigException}
 * whose message starts with the key, e.g. {@code /tls_server_config/min_version: ...}, and never
 * contains a password hash.
 */
public final class WebConfigParser {
  // yes/no/on/off stay strings (a file may be called "no"); bool() reads them as Go's YAML 1.1 does
  private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
      .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
      .build())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Set<String> TRUE = Set.of("true", "True", "TRUE", "y", "Y", "yes", "Yes", "YES", "on", "On", "ON");
  private static final Set<String> FALSE = Set.of("false", "False", "FALSE", "n", "N", "no", "No", "NO", "off", "Off",
      "OFF");

  private static final Set<String> TOP = Set.of("tls_server_config", "http_server_config", "basic_auth_users");
  private static final Set<String> TLS_KEYS = Set.of("cert_file", "key_file", "client_auth_type", "client_ca_file",
      "cipher_suites", "curve_preferences", "min_version", "max_version", "prefer_server_cipher_suites",
      "client_allowed_sans");
  private static final Set<String> HTTP_KEYS = Set.of("http2", "headers");
  /** exporter-toolkit's allow-list of response headers; null = any value, else the allowed values. */
  static final Map<String, List<String>> ALLOWED_HEADERS = new LinkedHashMap<>();

  static {
    ALLOWED_HEADERS.put("Strict-Transport-Security", null);
    ALLOWED_HEADERS.put("X-Content-Type-Options", List.of("nosniff"));
    ALLOWED_HEADERS.put("X-Frame-Options", List.of("deny", "sameorigin"));
    ALLOWED_HEADERS.put("X-XSS-Protection", null);
    ALLOWED_HEADERS.put("Content-Security-Policy", null);
  }

  /** A bcrypt hash as Go's x/crypto/bcrypt and Bouncy Castle's OpenBSDBCrypt read it. */
  static final Pattern BCRYPT = Pattern.compile("\\$2[abxy]?\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");

  private WebConfigParser() {}

  /** Reads and parses {@code file}; relative paths in it are resolved against its directory. */
  public static WebConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("/", "cannot read web config file " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, dir);
  }

  /** Parses web-config YAML; {@code dir} resolves relative file names (null: the working directory). */
  public static WebConfig parse(String text, Path dir) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      // Jackson's message can quote the input line, which may hold a hash: keep only the position
      var loc = e.getLocation();
      throw new ConfigException("/", "not valid YAML" + (loc == null ? "" : " (line " + loc.getLineNr()
          + ", column " + loc.getColumnNr() + ")"));
    } catch (RuntimeException e) {
      throw new ConfigException("/", "not valid YAML");
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return WebConfig.NONE;
    }
    requireObject(root, "");
    checkKeys(root, "", TOP);
    WebConfig.Tls tls = tls(root.get("tls_server_config"), dir == null ? Path.of("") : dir);
    Map<String, String> users = users(root.get("basic_auth_users"));
    JsonNode http = root.get("http_server_config");
    boolean http2 = true;
    Map<String, String> headers = Map.of();
    if (http != null && !http.isNull()) {
      requireObject(http, "/http_server_config");
      checkKeys(http, "/http_server_config", HTTP_KEYS);
      JsonNode h2 = http.get("http2");
      if (h2 != null && !h2.isNull()) {
        http2 = bool(h2, "/http_server_config/http2");
      }
      headers = headers(http.get("headers"));
    }
    return new WebConfig(tls, users, headers, http2);
  }

  private static WebConfig.Tls tls(JsonNode n, Path dir) {
    String p = "/tls_server_config";
    if (n == null || n.isNull()) {
      return null;
    }
    requireObject(n, p);
    checkKeys(n, p, TLS_KEYS);
    String cert = string(n, "cert_file", p);
    String key = string(n, "key_file", p);
    String ca = string(n, "client_ca_file", p);
    String auth = string(n, "client_auth_type", p);
    if (cert.isEmpty() && key.isEmpty() && ca.isEmpty() && auth.isEmpty()) {
      return null; // the toolkit's "no TLS config": plain HTTP
    }
    if (cert.isEmpty()) {
      throw new ConfigException(p + "/cert_file", "missing (TLS needs cert_file and key_file)");
    }
    if (key.isEmpty()) {
      throw new ConfigException(p + "/key_file", "missing (TLS needs cert_file and key_file)");
    }
    WebConfig.ClientAuth clientAuth = clientAuth(auth, p + "/client_auth_type");
    if (!ca.isEmpty() && clientAuth == WebConfig.ClientAuth.NoClientCert) {
      throw new ConfigException(p + "/client_ca_file", "set without a client_auth_type that uses it");
    }
    if (ca.isEmpty() && clientAuth.verify) {
      throw new ConfigException(p + "/client_ca_file", "required by client_auth_type " + clientAuth);
    }
    int min = version(n, "min_version", p, 2);
    int max = version(n, "max_version", p, 3);
    if (min > max) {
      throw new ConfigException(p + "/min_version", "is above max_version");
    }
    List<String> protocols = new ArrayList<>(List.copyOf(TlsNames.VERSIONS.values()).subList(min, max + 1));
    List<String> ciphers = new ArrayList<>();
    List<String> goCiphers = strings(n.get("cipher_suites"), p + "/cipher_suites");
    for (int i = 0; i < goCiphers.size(); i++) {
      String jsse = TlsNames.cipher(goCiphers.get(i));
      if (jsse == null) {
        throw new ConfigException(p + "/cipher_suites/" + i, "unknown cipher suite " + quote(goCiphers.get(i)));
      }
      ciphers.add(jsse);
    }
    List<String> curves = new ArrayList<>();
    List<String> goCurves = strings(n.get("curve_preferences"), p + "/curve_preferences");
    for (int i = 0; i < goCurves.size(); i++) {
      String c = TlsNames.CURVES.get(goCurves.get(i));
      if (c == null) {
        throw new ConfigException(p + "/curve_preferences/" + i, "unknown curve " + quote(goCurves.get(i))
            + "; known: " + TlsNames.CURVES.keySet());
      }
      curves.add(c);
    }
    JsonNode prefer = n.get("prefer_server_cipher_suites");
    boolean preferServer = prefer != null && !prefer.isNull() && bool(prefer, p + "/prefer_server_cipher_suites");
    List<String> sans = strings(n.get("client_allowed_sans"), p + "/client_allowed_sans");
    return new WebConfig.Tls(dir.resolve(cert), dir.resolve(key), clientAuth, ca.isEmpty() ? null : dir.resolve(ca),
        protocols, ciphers, preferServer, curves, sans);
  }

  private static WebConfig.ClientAuth clientAuth(String s, String path) {
    switch (s) {
      case "", "NoClientCert":
        return WebConfig.ClientAuth.NoClientCert;
      case "RequireClientCert": // the toolkit keeps this old name as RequireAnyClientCert
        return WebConfig.ClientAuth.RequireAnyClientCert;
      default:
        for (WebConfig.ClientAuth a : WebConfig.ClientAuth.values()) {
          if (a.name().equals(s)) {
            return a;
          }
        }
        throw new ConfigException(path, "unknown value " + quote(s) + "; one of NoClientCert, RequestClientCert, "
            + "RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert");
    }
  }

  private static int version(JsonNode n, String key, String p, int dflt) {
    String v = string(n, key, p);
    if (v.isEmpty()) {
      return dflt;
    }
    int i = 0;
    for (String name : TlsNames.VERSIONS.keySet()) {
      if (name.equals(v)) {
        return i;
      }
      i++;
    }
    throw new ConfigException(p + "/" + key, "unknown TLS version " + quote(v) + "; one of " + TlsNames.VERSIONS.keySet());
  }

  private static Map<String, String> users(JsonNode n) {
    String p = "/basic_auth_users";
    if (n == null || n.isNull()) {
      return Map.of();
    }
    requireObject(n, p);
    Map<String, String> users = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String up = p + "/" + e.getKey();
      if (e.getKey().isEmpty() || e.getKey().indexOf(':') >= 0) {
        throw new ConfigException(p, "a user name must be non-empty and contain no ':'");
      }
      if (!e.getValue().isTextual()) {
        throw new ConfigException(up, "must be a bcrypt hash (a string)");
      }
      if (!BCRYPT.matcher(e.getValue().textValue()).matches()) {
        // the value is not echoed: it might be a plain password written by mistake
        throw new ConfigException(up, "not a bcrypt hash (expected $2y$<cost>$<53 characters>, e.g. from htpasswd -nBC 10)");
      }
      users.put(e.getKey(), e.getValue().textValue());
    }
    return users;
  }

  private static Map<String, String> headers(JsonNode n) {
    String p = "/http_server_config/headers";
    if (n == null || n.isNull()) {
      return Map.of();
    }
    requireObject(n, p);
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String hp = p + "/" + e.getKey();
      if (!ALLOWED_HEADERS.containsKey(e.getKey())) {
        throw new ConfigException(hp, "this header can not be configured; allowed: " + ALLOWED_HEADERS.keySet());
      }
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new ConfigException(hp, "must be a string");
      }
      String v = e.getValue().asText();
      List<String> allowed = ALLOWED_HEADERS.get(e.getKey());
      if (allowed != null && !allowed.contains(v)) {
        throw new ConfigException(hp, "invalid value " + quote(v) + "; one of " + allowed);
      }
      if (v.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
        throw new ConfigException(hp, "control characters are not allowed in a header value");
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  private static void requireObject(JsonNode n, String path) {
    if (!n.isObject()) {
      throw new ConfigException(path, "must be a mapping");
    }
  }

  private static void checkKeys(JsonNode n, String path, Set<String> known) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new ConfigException(path + "/" + k, "unknown key; known: " + new java.util.TreeSet<>(known));
      }
    }
  }

  private static String string(JsonNode parent, String key, String p) {
    JsonNode n = parent.get(key);
    if (n == null || n.isNull()) {
      return "";
    }
    if (!n.isValueNode()) {
      throw new ConfigException(p + "/" + key, "must be a string");
    }
    return n.asText();
  }

  private static boolean bool(JsonNode n, String path) {
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isTextual() && (TRUE.contains(n.textValue()) || FALSE.contains(n.textValue()))) {
      return TRUE.contains(n.textValue());
    }
    throw new ConfigException(path, "must be true or false");
  }

  private static List<String> strings(JsonNode n, String path) {
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new ConfigException(path, "must be a list");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      if (!n.get(i).isValueNode() || n.get(i).isNull()) {
        throw new ConfigException(path + "/" + i, "must be a string");
      }
      out.add(n.get(i).asText());
    }
    return out;
  }

  /** Quotes a config value for an error message, cut short and without control characters. */
  static String quote(String s) {
    String t = s.length() > 64 ? s.substring(0, 64) + "…" : s;
    return "\"" + t.replaceAll("\\p{Cntrl}", "?") + "\"";
  }
}
