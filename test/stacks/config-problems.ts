import * as assert from "assert";
import { ConfigError, RawConfig, parseStackConfig } from "../../stacks/settings";

/** The problems a stack's configuration is refused with; fails the test if it is accepted or fails otherwise. */
export function problems(stack: string, raw: RawConfig): readonly string[] {
    try {
        parseStackConfig("mall", stack, raw);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
        return e.problems;
    }
    assert.fail("expected the configuration to be rejected");
}
