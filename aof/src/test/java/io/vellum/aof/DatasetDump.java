package io.vellum.aof;

import io.vellum.core.data.OrderedDict;
import io.vellum.core.keyspace.Database;
import io.vellum.core.keyspace.Keyspace;
import io.vellum.core.types.Value;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Every key of a keyspace, in iteration order, with what the determinism rules say must be
 * equal between a store and its replay: sequence number, type, encoding, stored value, expiry.
 * Two dumps are equal only if the stores are key by key the same store.
 */
final class DatasetDump {
    private DatasetDump() {
    }

    static List<String> of(Keyspace ks) {
        List<String> out = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < ks.count(); i++) {
            Database db = ks.db(i);
            OrderedDict<Value> dict = db.dict();
            if (dict.size() > 0) {
                out.add("db " + i + " size " + dict.size() + " next-seq " + dict.nextSeq());
            }
            for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
                byte[] key = dict.keyAt(e);
                Value v = dict.valueAt(e);
                out.add(i + " " + hex.formatHex(key) + " seq=" + dict.seqAt(e) + " " + v.type() + "/" + v.encoding()
                        + " expire=" + db.expireAt(key) + " value=" + hex.formatHex(v.toProto().toByteArray()));
            }
        }
        return out;
    }
}
