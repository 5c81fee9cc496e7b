import { parseWithZod } from "@conform-to/zod";
import { describe, expect, it } from "vitest";
import { changePasswordSchema, loginSchema, profileSchema, resetPasswordSchema, twoFactorSchema } from "~/modules/auth/schemas";
import { mailJobSchema } from "~/modules/mail/messages";

const form = (fields: Record<string, string>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
};

describe("auth form schemas", () => {
  it("names each bad login field with an i18n key", () => {
    const s = parseWithZod(form({ email: "not-an-email", password: "" }), { schema: loginSchema });
    expect(s.status).toBe("error");
    const reply = s.reply();
    expect(reply.error?.email).toEqual(["validation:email"]);
    expect(reply.error?.password).toEqual(["validation:required"]);
  });

  it("lower-cases the e-mail", () => {
    const s = parseWithZod(form({ email: " Ali@Example.COM ", password: "x" }), { schema: loginSchema });
    expect(s.status === "success" && s.value.email).toBe("ali@example.com");
  });

  it("requires 10 characters and a matching confirmation for a new password", () => {
    const short = parseWithZod(form({ password: "short", confirm: "short" }), { schema: resetPasswordSchema }).reply();
    expect(short.error?.password).toEqual(["validation:tooShort|min=10"]);
    const mismatch = parseWithZod(form({ password: "long enough pw", confirm: "other pw 12345" }), { schema: resetPasswordSchema }).reply();
    expect(mismatch.error?.confirm).toEqual(["validation:passwordMismatch"]);
    const ok = parseWithZod(form({ password: "long enough pw", confirm: "long enough pw" }), { schema: resetPasswordSchema });
    expect(ok.status).toBe("success");
  });

  it("accepts Persian digits in codes and rejects other input", () => {
    const ok = parseWithZod(form({ code: "۱۲۳۴۵۶" }), { schema: twoFactorSchema });
    expect(ok.status === "success" && ok.value.code).toBe("123456");
    expect(parseWithZod(form({ code: "12a456" }), { schema: twoFactorSchema }).reply().error?.code).toEqual(["validation:otpCode"]);
  });

  it("validates the profile and password forms", () => {
    expect(parseWithZod(form({ intent: "profile", name: " ", locale: "de" }), { schema: profileSchema }).reply().error).toMatchObject({
      name: ["validation:required"],
      locale: ["validation:invalid"],
    });
    const pw = parseWithZod(form({ intent: "password", currentPassword: "x", newPassword: "0123456789", confirm: "012345678" }), {
      schema: changePasswordSchema,
    });
    expect(pw.reply().error?.confirm).toEqual(["validation:passwordMismatch"]);
  });

  it("validates mail jobs", () => {
    const job = { template: "passwordReset", to: "a@b.co", locale: "fa", name: "Ali", token: "a".repeat(32), expiresMinutes: 60 };
    expect(mailJobSchema.safeParse(job).success).toBe(true);
    expect(mailJobSchema.safeParse({ ...job, locale: "de" }).success).toBe(false);
    expect(mailJobSchema.safeParse({ ...job, template: "spam" }).success).toBe(false);
    expect(mailJobSchema.safeParse({ ...job, token: "../../etc" }).success).toBe(false);
  });
});
