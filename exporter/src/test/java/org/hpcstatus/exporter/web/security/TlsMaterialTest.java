package org.hpcstatus.exporter.web.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.hpcstatus.exporter.config.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM keys in every form the toolkit reads (PKCS#1, SEC1, PKCS#8), chains, and the errors for bad files. */
class TlsMaterialTest {
  @TempDir
  Path tmp;

  static TestPki.Issued ca;
  static TestPki.Issued ecLeaf;
  static TestPki.Issued rsaLeaf;

  @BeforeAll
  static void pki() {
    ca = TestPki.ca("test-ca");
    ecLeaf = TestPki.leaf("ec-server", ca);
    rsaLeaf = TestPki.leaf("rsa-server", ca, TestPki.rsa(), java.time.Instant.now().minusSeconds(60),
        java.time.Instant.now().plusSeconds(86400));
  }

  private WebConfig.Tls tls(String cert, String key, String clientCa, WebConfig.ClientAuth auth, List<String> ciphers) {
    return new WebConfig.Tls(tmp.resolve(cert), tmp.resolve(key), auth, clientCa == null ? null : tmp.resolve(clientCa),
        List.of("TLSv1.2", "TLSv1.3"), ciphers, false, List.of(), List.of());
  }

  private TlsMaterial load(TestPki.Issued leaf, boolean chain, boolean pkcs8) throws Exception {
    leaf.write(tmp.resolve("s.crt"), tmp.resolve("s.key"), chain, pkcs8);
    return TlsMaterial.load(tls("s.crt", "s.key", null, WebConfig.ClientAuth.NoClientCert, List.of()));
  }

  @Test
  void readsPkcs1Sec1AndPkcs8KeysAndChains() throws Exception {
    for (TestPki.Issued leaf : List.of(ecLeaf, rsaLeaf)) {
      for (boolean pkcs8 : new boolean[] {false, true}) {
        TlsMaterial m = load(leaf, true, pkcs8);
        assertThat(Files.readString(tmp.resolve("s.key"))).contains(pkcs8 ? "BEGIN PRIVATE KEY"
            : leaf == rsaLeaf ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY");
        String alias = m.keyManager().chooseEngineServerAlias(leaf.keys().getPublic().getAlgorithm(), null, null);
        assertThat(alias).as(leaf.cert().getSubjectX500Principal() + " pkcs8=" + pkcs8).isNotNull();
        assertThat(m.keyManager().getCertificateChain(alias)).containsExactly(leaf.cert(), ca.cert());
        java.security.PrivateKey k = m.keyManager().getPrivateKey(alias);
        assertThat(PemFiles.matches(k, leaf.cert().getPublicKey())).isTrue();
        assertThat(PemFiles.matches(k, ca.cert().getPublicKey())).isFalse();
      }
    }
  }

  @Test
  void aKeyThatDoesNotMatchTheCertificateIsRefused() throws Exception {
    ecLeaf.write(tmp.resolve("s.crt"), tmp.resolve("ignored.key"), false, false);
    TestPki.leaf("other", ca).write(tmp.resolve("ignored.crt"), tmp.resolve("s.key"), false, true);
    assertThatThrownBy(() -> TlsMaterial.load(tls("s.crt", "s.key", null, WebConfig.ClientAuth.NoClientCert, List.of())))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/tls_server_config/key_file: private key in")
        .hasMessageContaining("does not match");
  }

  @Test
  void badFilesAreErrorsNamingKeyAndFileButNotContent() throws Exception {
    ecLeaf.write(tmp.resolve("s.crt"), tmp.resolve("s.key"), false, true);
    String keyPem = Files.readString(tmp.resolve("s.key"));
    String keyBody = keyPem.split("\n")[1];
    assertThatThrownBy(() -> TlsMaterial.load(tls("missing.crt", "s.key", null, WebConfig.ClientAuth.NoClientCert, List.of())))
        .hasMessageStartingWith("/tls_server_config/cert_file: no such file " + tmp.resolve("missing.crt"));
    // a key where the certificate belongs, a certificate where the key belongs
    assertThatThrownBy(() -> TlsMaterial.load(tls("s.key", "s.key", null, WebConfig.ClientAuth.NoClientCert, List.of())))
        .hasMessageStartingWith("/tls_server_config/cert_file: no PEM certificate in").hasMessageNotContaining(keyBody);
    assertThatThrownBy(() -> TlsMaterial.load(tls("s.crt", "s.crt", null, WebConfig.ClientAuth.NoClientCert, List.of())))
        .hasMessageStartingWith("/tls_server_config/key_file: no PEM private key in");
    // a damaged key: PEM armour around garbage
    Files.writeString(tmp.resolve("bad.key"), keyPem.replace(keyBody, keyBody.substring(0, 20) + "AAAA" + keyBody.substring(24)));
    assertThatThrownBy(() -> TlsMaterial.load(tls("s.crt", "bad.key", null, WebConfig.ClientAuth.NoClientCert, List.of())))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("/tls_server_config/key_file: ")
        .hasMessageNotContaining(keyBody.substring(0, 20));
    Files.writeString(tmp.resolve("enc.key"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder().encodeToString(new org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo(
            new org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo(
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC),
                new byte[64])).getEncoded()) + "\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThatThrownBy(() -> TlsMaterial.load(tls("s.crt", "enc.key", null, WebConfig.ClientAuth.NoClientCert, List.of())))
        .hasMessageStartingWith("/tls_server_config/key_file: encrypted private keys are not supported");
    assertThatThrownBy(() -> TlsMaterial.load(tls("s.crt", "s.key", "s.key", WebConfig.ClientAuth.RequireAndVerifyClientCert, List.of())))
        .hasMessageStartingWith("/tls_server_config/client_ca_file: no PEM certificate in");
  }

  @Test
  void cipherSuitesAreCheckedAgainstTheJvmAndTls13SuitesStay() throws Exception {
    ecLeaf.write(tmp.resolve("s.crt"), tmp.resolve("s.key"), false, true);
    TlsMaterial m = TlsMaterial.load(tls("s.crt", "s.key", null, WebConfig.ClientAuth.NoClientCert,
        List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")));
    assertThat(m.cipherSuites()).startsWith("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").contains("TLS_AES_128_GCM_SHA256");
    assertThatThrownBy(() -> TlsMaterial.load(tls("s.crt", "s.key", null, WebConfig.ClientAuth.NoClientCert,
        List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_RC4_128_SHA"))))
        .hasMessageStartingWith("/tls_server_config/cipher_suites/1: TLS_RSA_WITH_RC4_128_SHA is not enabled");
  }
}
