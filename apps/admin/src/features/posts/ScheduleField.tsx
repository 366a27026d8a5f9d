/**
 * The "Publish at" picker (Mantine's DateTimePicker, which brings dayjs). Loaded lazily with its
 * styles: only the post form needs it, and it is not small.
 */
import '@mantine/dates/styles.css';
import { DateTimePicker } from '@mantine/dates';
import dayjs from 'dayjs';
import { localTimeZone } from '../../lib/format.ts';

export interface ScheduleFieldProps {
  value: Date | null;
  onChange: (value: Date | null) => void;
  error?: string | undefined;
  disabled?: boolean;
}

/** The picker works in the browser's local time; the value is a Date (an instant), as the SDK sends it. */
export default function ScheduleField({ value, onChange, error, disabled }: ScheduleFieldProps) {
  const zone = localTimeZone();
  return (
    <DateTimePicker
      label="Publish at"
      description={`Times are in your time zone, ${zone}. The post stays a draft until then.`}
      placeholder="Not scheduled"
      value={value ? dayjs(value).format('YYYY-MM-DD HH:mm:ss') : null}
      onChange={(next) => onChange(next ? dayjs(next).toDate() : null)}
      valueFormat="D MMM YYYY, HH:mm"
      minDate={dayjs().format('YYYY-MM-DD')}
      clearable
      clearButtonProps={{ 'aria-label': 'Clear the publication time' }}
      error={error}
      disabled={disabled}
      ariaLabels={{
        nextMonth: 'Next month',
        previousMonth: 'Previous month',
        nextYear: 'Next year',
        previousYear: 'Previous year',
        nextDecade: 'Next decade',
        previousDecade: 'Previous decade',
        monthLevelControl: 'Change the month',
        yearLevelControl: 'Change the year',
      }}
      timePickerProps={{ hoursInputLabel: 'Hours', minutesInputLabel: 'Minutes' }}
      submitButtonProps={{ 'aria-label': 'Use this date and time' }}
      // Mantine's placeholder grey is too light for 4.5:1; the app's dimmed text is not.
      styles={{ placeholder: { color: 'var(--mantine-color-dimmed)' } }}
      data-testid="publish-at"
    />
  );
}
