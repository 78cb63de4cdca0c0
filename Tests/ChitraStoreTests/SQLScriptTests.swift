@testable import ChitraStore
import Testing

@Suite("SQL script splitting")
struct SQLScriptTests {
    @Test("statements split at top-level semicolons only")
    func splitting() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE a (x text DEFAULT 'a;b');
            /* block; comment */ INSERT INTO "we;ird" VALUES ('it''s; fine');
            CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END $body$ LANGUAGE plpgsql;
            SELECT $$;$$;
            """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix("CREATE TABLE a (x text DEFAULT 'a;b')"))
        #expect(statements[1] == #"/* block; comment */ INSERT INTO "we;ird" VALUES ('it''s; fine')"#)
        #expect(statements[2].hasPrefix("CREATE FUNCTION f()") && statements[2].hasSuffix("LANGUAGE plpgsql"))
        #expect(statements[3] == "SELECT $$;$$")
    }

    @Test("comments alone are no statement; a positional parameter is not a dollar quote")
    func edges() {
        #expect(SQLScript.statements("-- nothing\n;\n  ;").isEmpty)
        #expect(SQLScript.statements("SELECT $1; SELECT 2") == ["SELECT $1", "SELECT 2"])
    }
}
