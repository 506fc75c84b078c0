import { useNow } from "../../clock";
import { t } from "../../strings";
import { deviceText, localTime } from "../../visitorContext";

/** The visitor's local time changes by the minute. */
const TICK_MS = 30_000;

/** Browser, system, device type, screen, language and the visitor's local time. */
export function DeviceFacts({ device }: { device: Record<string, unknown> }) {
  const now = useNow(TICK_MS);
  const zone = deviceText(device, "time_zone");
  const time = localTime(zone, now);
  const rows: [string, string | null][] = [
    [t.sidebar.browser, deviceText(device, "browser")],
    [t.sidebar.os, deviceText(device, "os")],
    [t.sidebar.deviceType, deviceText(device, "device_type")],
    [t.sidebar.screen, deviceText(device, "screen")],
    [t.sidebar.language, deviceText(device, "language")],
    [t.sidebar.localTime, time === null ? null : `${time} ${t.sidebar.timeZone(zone ?? "")}`],
  ];
  return (
    <section class="sidebar-section" aria-labelledby="sidebar-device">
      <h3 id="sidebar-device">{t.sidebar.device}</h3>
      <dl class="facts">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value ?? t.common.none}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
