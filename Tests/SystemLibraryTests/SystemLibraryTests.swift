import CLibPQ
import CRdKafka
import CXXHash
import CYAML
import Testing

/// Each C library links and reports a version we support. Later modules (Live) build on CRdKafka and CLibPQ.
@Suite struct SystemLibraryTests {
    @Test func libyamlIsAtLeast025() {
        var major: Int32 = 0
        var minor: Int32 = 0
        var patch: Int32 = 0
        yaml_get_version(&major, &minor, &patch)
        #expect((major, minor, patch) >= (0, 2, 5))
    }

    @Test func libxxhashHasXXH3() {
        #expect(XXH_versionNumber() >= 801)
    }

    @Test func librdkafkaReportsAVersion() {
        #expect(rd_kafka_version() >= 0x0200_0000)
        #expect(!String(cString: rd_kafka_version_str()).isEmpty)
    }

    @Test func libpqReportsAVersion() {
        #expect(PQlibVersion() >= 120_000)
    }
}
