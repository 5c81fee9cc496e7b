import { parsePhoneNumberWithError } from "libphonenumber-js/max";
import { isIranian } from "./phone";

/**
 * The time zone the callee is most likely in, from the number alone, for the calling window ("09:00
 * where the phone rings"). Iranian numbers, mobiles included, are Asia/Tehran. A foreign number of a
 * country with one zone gets it; a country spanning several (the US, Russia, ...) gives null and the
 * campaign's own zone decides, as it does for numbers that do not parse. Pure.
 */
const SINGLE_ZONE_COUNTRIES: Readonly<Record<string, string>> = {
  IR: "Asia/Tehran",
  AE: "Asia/Dubai",
  AF: "Asia/Kabul",
  AM: "Asia/Yerevan",
  AT: "Europe/Vienna",
  AZ: "Asia/Baku",
  BE: "Europe/Brussels",
  BH: "Asia/Bahrain",
  CH: "Europe/Zurich",
  DE: "Europe/Berlin",
  DK: "Europe/Copenhagen",
  FR: "Europe/Paris",
  GB: "Europe/London",
  GE: "Asia/Tbilisi",
  IQ: "Asia/Baghdad",
  IT: "Europe/Rome",
  KW: "Asia/Kuwait",
  NL: "Europe/Amsterdam",
  NO: "Europe/Oslo",
  OM: "Asia/Muscat",
  PK: "Asia/Karachi",
  QA: "Asia/Qatar",
  SA: "Asia/Riyadh",
  SE: "Europe/Stockholm",
  TJ: "Asia/Dushanbe",
  TM: "Asia/Ashgabat",
  TR: "Europe/Istanbul",
};

export function calleeZoneOf(e164: string): string | null {
  if (isIranian(e164)) return "Asia/Tehran";
  try {
    const country = parsePhoneNumberWithError(e164).country;
    return (country && SINGLE_ZONE_COUNTRIES[country]) || null;
  } catch {
    return null;
  }
}
