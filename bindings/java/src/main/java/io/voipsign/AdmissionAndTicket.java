package io.voipsign;

import java.util.Objects;

/**
 * The result of {@link Ledger#admitAndIssue}: the seat, and the join ticket to return
 * to the mini program. Immutable.
 */
public final class AdmissionAndTicket {
    private final Admission admission;
    private final JoinTicket ticket;

    AdmissionAndTicket(Admission admission, JoinTicket ticket) {
        this.admission = admission;
        this.ticket = ticket;
    }

    /**
     * The seat granted or renewed.
     *
     * @return the admission
     */
    public Admission getAdmission() {
        return admission;
    }

    /**
     * The ticket for {@code wx.joinVoIPChat} ({@link JoinTicket#toJson()}).
     *
     * @return the ticket
     */
    public JoinTicket getTicket() {
        return ticket;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdmissionAndTicket && ((AdmissionAndTicket) o).admission.equals(admission)
                && ((AdmissionAndTicket) o).ticket.equals(ticket);
    }

    @Override
    public int hashCode() {
        return Objects.hash(admission, ticket);
    }

    @Override
    public String toString() {
        return "AdmissionAndTicket{admission=" + admission + ", ticket=" + ticket + "}";
    }
}
