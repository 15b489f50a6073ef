import './Switch.css';

interface Props {
  id: string;
  checked: boolean;
  onChange: (on: boolean) => void;
  disabled?: boolean;
  /** The text beside the switch ("On", "Off"). */
  label: string;
  /** What the switch turns on and off, when the label does not say it (a card's title). */
  describedBy?: string;
}

/** An on/off switch: a checkbox with role=switch, drawn as a track with a knob. */
export function Switch({ id, checked, onChange, disabled, label, describedBy }: Props) {
  return (
    <label class="switch" for={id}>
      <input
        id={id}
        type="checkbox"
        role="switch"
        checked={checked}
        disabled={disabled}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      <span class="switch-track" aria-hidden="true" />
      <span class="switch-label">{label}</span>
    </label>
  );
}
